"""FHIR R4 interoperability: a client's record as a Bundle, in and out.

Built with fhir.resources' R4B models (R4B serves R4 consumers, INTEROP-AND-EXPOSURE.md A);
every coding is held against knowledge/data/fhir_codes.yaml and every Bundle against the
R4 rules the library does not enforce (rules.py). An adapter: it never touches the database.
"""
