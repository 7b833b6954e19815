"""Forms of the check-in pages: landing, cadence, the check-in, review, at-risk flag."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from coachhub.models import Cadence

TEXT = [Length(max=2000, message="Keep it under 2000 characters.")]
RATING_CHOICES = [SelectChoice(n, str(n)) for n in range(1, 6)]


class LandingForm(FlaskForm):
    employer = StringField("Employer", validators=[DataRequired(), Length(max=120)])
    role_title = StringField("Role", validators=[DataRequired(), Length(max=120)])
    started_on = DateField("Start date", validators=[InputRequired(message="When do you start?")])
    close_goals = BooleanField("Close the open search goals", default=True)
    note = TextAreaField("Note", validators=TEXT, render_kw={"rows": 2})


class SearchingForm(FlaskForm):
    note = TextAreaField("Why (optional)", validators=TEXT, render_kw={"rows": 2})


class CadenceForm(FlaskForm):
    cadence = SelectField(
        "Check-in cadence",
        choices=[
            SelectChoice(Cadence.NONE.value, "No check-ins"),
            SelectChoice(Cadence.WEEKLY.value, "Weekly"),
            SelectChoice(Cadence.FORTNIGHTLY.value, "Every two weeks"),
            SelectChoice(Cadence.MONTHLY.value, "Monthly"),
            SelectChoice(Cadence.QUARTERLY.value, "Quarterly"),
        ],
        default=Cadence.MONTHLY.value,
    )
    first_due_on = DateField(
        "First check-in due",
        validators=[Optional()],
        description="Later ones fall on the cadence from it; one step from today if empty.",
    )


class FlagForm(FlaskForm):
    reason = StringField(
        "Why is this client at risk?",
        validators=[DataRequired(message="Say why."), Length(max=500)],
    )


class CheckinReviewForm(FlaskForm):
    comment = TextAreaField("Comment for the client", validators=TEXT, render_kw={"rows": 4})


def _count(label: str) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            InputRequired(message="Enter a number (0 if none)."),
            NumberRange(min=0, max=1000, message="From 0 to 1000."),
        ],
        description="Pre-filled from what you logged in the period; change it if you missed some.",
    )


def _rating(label: str, description: str) -> RadioField:
    return RadioField(
        label,
        choices=RATING_CHOICES,
        coerce=lambda v: int(v) if v not in (None, "", "None") else None,
        validate_choice=False,
        validators=[Optional()],
        description=description,
    )


class CheckinForm(FlaskForm):
    contacts_kept = _count("Contacts I kept in touch with")
    new_contacts = _count("New contacts")
    events_attended = _count("Industry events and meetings attended")
    field_changes = TextAreaField("What is changing in my field", validators=TEXT)
    skills = TextAreaField("Skills I learned or updated", validators=TEXT)
    concerns = TextAreaField("Concerns", validators=TEXT)
    rating_pulse = _rating(
        "My finger on the pulse of my field", "1 = out of touch, 5 = well informed"
    )
    rating_realism = _rating(
        "How realistic my view of my career potential is", "1 = guesswork, 5 = tested with others"
    )
    rating_security = _rating("How secure I feel in my role", "1 = not at all, 5 = very")

    FIELDS = (
        "contacts_kept",
        "new_contacts",
        "events_attended",
        "field_changes",
        "skills",
        "concerns",
        "rating_pulse",
        "rating_realism",
        "rating_security",
    )

    def data_fields(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}
