"""Who may do what: one table of role -> allowed actions, used by every service, page and API route.

An agent works the worklists and the customers on them (assign, mark handled, accept an action, log
complaints, incidents and notes); a manager also overrides recommended actions, confirms incidents,
imports data, runs assessments and reads the audit log; an admin also manages users.
"""

from __future__ import annotations

from enum import StrEnum

from keepwise.text.problems import Phrased


class Permission(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_WORKLISTS = "view_worklists"
    VIEW_CUSTOMER = "view_customer"
    ASSIGN = "assign"
    MARK_HANDLED = "mark_handled"
    ACCEPT_ACTION = "accept_action"
    OVERRIDE_ACTION = "override_action"
    ADD_NOTE = "add_note"
    LOG_COMPLAINT = "log_complaint"
    WORK_COMPLAINT = "work_complaint"  # respond, take ownership, close
    VIEW_COMPLAINTS = "view_complaints"
    LOG_INCIDENT = "log_incident"
    CONFIRM_INCIDENT = "confirm_incident"
    VIEW_RUNS = "view_runs"
    RUN_ASSESSMENT = "run_assessment"
    IMPORT_DATA = "import_data"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    PROPOSE_OFFBOARDING = "propose_offboarding"
    WORK_OFFBOARDING = "work_offboarding"  # draft and edit the letter, goodwill, send, close, withdraw
    APPROVE_OFFBOARDING = "approve_offboarding"
    VIEW_TOUCHES = "view_touches"  # today's touches
    RECORD_TOUCH = "record_touch"  # a touch marked done
    RECORD_EXIT_SURVEY = "record_exit_survey"
    VIEW_CAMPAIGNS = "view_campaigns"


AGENT = frozenset(
    {
        Permission.VIEW_DASHBOARD,
        Permission.VIEW_WORKLISTS,
        Permission.VIEW_CUSTOMER,
        Permission.ASSIGN,
        Permission.MARK_HANDLED,
        Permission.ACCEPT_ACTION,
        Permission.ADD_NOTE,
        Permission.LOG_COMPLAINT,
        Permission.WORK_COMPLAINT,
        Permission.VIEW_COMPLAINTS,
        Permission.LOG_INCIDENT,
        Permission.VIEW_RUNS,
        Permission.PROPOSE_OFFBOARDING,
        Permission.WORK_OFFBOARDING,
        Permission.VIEW_TOUCHES,
        Permission.RECORD_TOUCH,
        Permission.RECORD_EXIT_SURVEY,
    }
)
MANAGER = AGENT | {
    Permission.OVERRIDE_ACTION,
    Permission.CONFIRM_INCIDENT,
    Permission.RUN_ASSESSMENT,
    Permission.IMPORT_DATA,
    Permission.VIEW_AUDIT,
    Permission.APPROVE_OFFBOARDING,
    Permission.VIEW_CAMPAIGNS,
}
ADMIN = frozenset(Permission)

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {"agent": AGENT, "manager": MANAGER, "admin": ADMIN}


class Forbidden(Phrased, PermissionError):
    """The actor's role does not allow the action."""

    def __init__(self, permission: Permission):
        self.permission = permission
        super().__init__("error.forbidden", permission=permission.value)


def allowed(role: str | None, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role or "", frozenset())


def require(role: str | None, permission: Permission) -> None:
    if not allowed(role, permission):
        raise Forbidden(permission)
