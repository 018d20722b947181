"""Reports: satisfaction (Decision 766 score), dissatisfied cases, waiting and service times,
appointments against walk-ins.

Pure computation over the database with SQLAlchemy Core (no Flask), plus exports. The admin pages,
the API and the ``motcua report`` command all call these:

- :func:`satisfaction_report`, :func:`waiting_report`, :func:`dissatisfied_cases`,
  :func:`appointment_report` compute;
  their results have ``as_dict()`` for JSON.
- :func:`report_table` turns any of them into a :class:`ReportTable` (title, Vietnamese headers,
  plain rows) that a printable page can render; :func:`to_csv`, :func:`to_xlsx`, :func:`to_text`
  export one.
"""

from .appointments import AppointmentReport, AppointmentRow, appointment_report
from .dissatisfied import DissatisfiedCase, DissatisfiedList, dissatisfied_cases
from .errors import ReportError
from .export import export, filename, to_csv, to_text, to_xlsx
from .period import MAX_DAYS, Period, parse_period
from .satisfaction import SatisfactionReport, SatisfactionRow, satisfaction_report
from .table import Column, ReportTable, report_table
from .waiting import WaitingReport, WaitingRow, waiting_report

__all__ = [
    "MAX_DAYS", "AppointmentReport", "AppointmentRow", "appointment_report",
    "Column", "DissatisfiedCase", "DissatisfiedList", "Period", "ReportError",
    "ReportTable", "SatisfactionReport", "SatisfactionRow", "WaitingReport", "WaitingRow",
    "dissatisfied_cases", "export", "filename", "parse_period", "report_table", "satisfaction_report",
    "to_csv", "to_text", "to_xlsx", "waiting_report",
]
