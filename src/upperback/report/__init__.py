"""Reports: progress plots, the progress report (HTML and PDF), the printable home program,
CSV export of session logs. All built from wheels only (matplotlib Agg, fpdf2, Jinja2)."""

from upperback.report.csv_export import sessions_csv
from upperback.report.data import ReportData, collect
from upperback.report.home import home_program_html, home_week
from upperback.report.html import progress_report_html
from upperback.report.pdf import progress_report_pdf
from upperback.report.plots import PLOT_GROUPS, plot, plots_available

__all__ = [
    "PLOT_GROUPS",
    "ReportData",
    "collect",
    "home_program_html",
    "home_week",
    "plot",
    "plots_available",
    "progress_report_html",
    "progress_report_pdf",
    "sessions_csv",
]
