"""Service layer: one function per use case. Each opens a unit of work, checks the actor's
access, calls the pure steps of the method, and commits once. The CLI and the web call these."""
