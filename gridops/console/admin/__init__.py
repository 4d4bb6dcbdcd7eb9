"""Admin pages for what changes weekly: users and scopes, the responsibility list, SLA limits,
notification channels and the working calendar."""
