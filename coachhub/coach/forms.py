"""Coach portal forms: invitations, settings, reviews, goals, reassignment, careers."""

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from coachhub.forms import TEXT, timezone_field
from coachhub.inputs import BaseForm as FlaskForm
from coachhub.models import Cadence


class InviteForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(message="Enter a valid email address."), Length(max=254)],
    )
    role = RadioField(
        "Invite as",
        choices=[SelectChoice("client", "Client"), SelectChoice("coach", "Coach")],
        default="client",
    )
    coach = SelectField("Coach", coerce=int, description="The client's coach.")


class PracticeSettingsForm(FlaskForm):
    name = StringField("Practice name", validators=[DataRequired(), Length(max=120)])
    timezone = timezone_field()
    require_two_factor = BooleanField(
        "Require two-factor sign-in for coaches and owners",
        description="They set it up (an authenticator app) before they can open the practice.",
    )


SCORE_CHOICES = [SelectChoice(n, str(n)) for n in range(1, 6)]


def _score(label: str, description: str) -> RadioField:
    return RadioField(
        label,
        choices=SCORE_CHOICES,
        coerce=int,
        validators=[InputRequired(message="Score from 1 to 5.")],
        description=description,
    )


class ReviewForm(FlaskForm):
    intent_clarity = _score("Intent clarity", "Did they know what they wanted to find out?")
    reciprocity = _score("Reciprocity", "Did they offer something in return?")
    follow_up = _score("Follow-up", "Did they ask to keep in touch and plan a follow-up?")
    comment = TextAreaField(
        "Comment for the client", validators=[Length(max=2000)], render_kw={"rows": 4}
    )


class CloseGoalForm(FlaskForm):
    status = RadioField(
        "Close as",
        choices=[SelectChoice("achieved", "Achieved"), SelectChoice("dropped", "Dropped")],
        default="achieved",
    )


class ReassignForm(FlaskForm):
    coach = SelectField("New coach", coerce=int)


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


class WebhookForm(FlaskForm):
    url = StringField("Endpoint URL", validators=[DataRequired(), Length(max=2048)])
    events = SelectMultipleField("Events", description="The events this URL receives.")
