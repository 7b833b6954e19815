"""Form pieces shared by several areas."""

from zoneinfo import available_timezones

import email_validator
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from coachhub.inputs import BaseForm as FlaskForm
from coachhub.inputs import DateWithin, bounded_id
from coachhub.passwords import NotEasilyGuessed
from coachhub.services.careers import LandingData
from coachhub.services.goals import GOAL_FIELDS

# The demo and test accounts live under .test (RFC 2606), which email-validator
# rejects as special-use by default; every other special-use name stays refused.
if "test" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
    email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("test")

TEXT = [Length(max=2000, message="Keep it under 2000 characters.")]
PASSWORD_RULES = [
    DataRequired(),
    Length(min=10, max=128, message="Use 10 to 128 characters."),
    NotEasilyGuessed(),
]

TIMEZONE_CHOICES = sorted(
    tz for tz in available_timezones() if "/" in tz and not tz.startswith(("Etc/", "SystemV/"))
)
TIMEZONE_CHOICES.insert(0, "UTC")


def timezone_field(label: str = "Timezone") -> SelectField:
    return SelectField(
        label,
        choices=[SelectChoice(tz, tz.replace("_", " ")) for tz in TIMEZONE_CHOICES],
        default="UTC",
        description="Dates and due days are shown in this timezone.",
    )


class NewPasswordMixin:
    password = PasswordField("Password", validators=PASSWORD_RULES)
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )


class ConfirmForm(FlaskForm):
    """An empty form: the CSRF token for a confirm-then-POST action."""


def optional_id(value) -> int | None:
    """Coerce a select's value to an id, '' (nothing chosen) to None."""
    if value in (None, "", "None"):
        return None
    # Not an id, or too large for the database: never a real id, so the scoped
    # lookup refuses it with a clear message.
    return bounded_id(value) or -1


class GoalForm(FlaskForm):
    """A networking goal, as the coach assigns it or the client proposes it."""

    title = StringField("Title", validators=[DataRequired(), Length(max=120)])
    focus = RadioField(
        "Focus",
        choices=[
            SelectChoice("company", "Companies"),
            SelectChoice("people", "People"),
            SelectChoice("industry", "An industry"),
        ],
        default="company",
    )
    target = StringField(
        "Target",
        validators=[Length(max=255)],
        description='Who or what, e.g. "product teams at fintechs in Auckland".',
    )
    find_out = TextAreaField(
        "What to find out", validators=[Length(max=2000)], render_kw={"rows": 3}
    )
    can_offer = TextAreaField(
        "What the client can offer", validators=[Length(max=2000)], render_kw={"rows": 3}
    )
    target_meetings = IntegerField(
        "Target number of meetings",
        default=5,
        validators=[
            InputRequired(message="How many meetings?"),
            NumberRange(min=1, max=100, message="Between 1 and 100."),
        ],
    )
    due_on = DateField("Due date", validators=[Optional()])

    def goal_fields(self) -> dict:
        return {name: self[name].data for name in GOAL_FIELDS}


class LandingForm(FlaskForm):
    """A landing: the client or their coach records the new role."""

    employer = StringField("Employer", validators=[DataRequired(), Length(max=120)])
    role_title = StringField("Role", validators=[DataRequired(), Length(max=120)])
    started_on = DateField(
        "Start date",
        validators=[InputRequired(message="When do you start?"), DateWithin(60, 5)],
    )
    close_goals = BooleanField("Close the open search goals", default=True)
    note = TextAreaField("Note", validators=TEXT, render_kw={"rows": 2})

    def landing_data(self) -> LandingData:
        return LandingData(
            employer=self.employer.data,
            role_title=self.role_title.data,
            started_on=self.started_on.data,
            close_goals=self.close_goals.data,
            note=self.note.data or "",
        )


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Reply",
        validators=[DataRequired(message="Write a reply first."), Length(max=2000)],
        render_kw={"rows": 3},
    )


class MessageForm(FlaskForm):
    """A message in a client's conversation; may point at a log, goal or check-in."""

    body = TextAreaField(
        "Message",
        validators=[DataRequired(message="Write a message first."), Length(max=5000)],
        render_kw={"rows": 3},
    )
    ref_type = HiddenField()
    ref_id = HiddenField(filters=[bounded_id])


def attach_error(form: FlaskForm, error, default: str) -> None:
    """Show a ServiceError next to its field (or `default` when the field is not on the form)."""
    name = error.field if error.field in form else default
    form[name].errors = [*form[name].errors, error.message]


class ReasonForm(FlaskForm):
    """Why a session is cancelled or moved: the other side reads it."""

    reason = TextAreaField(
        "Reason (the other side sees it)",
        validators=[DataRequired(message="Say why."), Length(max=500)],
    )


class AgendaForm(FlaskForm):
    """A point for a session's agenda, from either side."""

    body = StringField(
        "Add to the agenda",
        validators=[DataRequired(message="Write the point."), Length(max=500)],
    )


MEMBER_TIMEZONE_CHOICES = [SelectChoice("", "The practice's timezone")] + [
    SelectChoice(tz, tz.replace("_", " ")) for tz in TIMEZONE_CHOICES
]


def member_timezone_field(label: str = "Your timezone") -> SelectField:
    """A member's own timezone; blank means the practice's."""
    return SelectField(label, choices=MEMBER_TIMEZONE_CHOICES, default="")
