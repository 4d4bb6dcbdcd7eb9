"""The tables of the loop."""
from gridops.dispatch.models.calendar import CalendarDay, CalendarYear, OfficeHours  # noqa: F401
from gridops.dispatch.models.incident import Event, Incident, Photo  # noqa: F401
from gridops.dispatch.models.notify import (Channel, InboxMessage, OutboxMessage,  # noqa: F401
                                            PeriodicRun)
from gridops.dispatch.models.reference import (Category, ReferenceVersion,  # noqa: F401
                                               Responsibility, Unit)
from gridops.dispatch.models.sla import SlaLimit  # noqa: F401
from gridops.dispatch.models.timers import (Deadline, EscalationLevel, Summons,  # noqa: F401
                                            SupervisionOrder, Whistle)
