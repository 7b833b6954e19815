"""Coach portal forms: invitations, settings, reviews, goals, reassignment, careers."""

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget

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


class BrandingForm(FlaskForm):
    logo = FileField(
        "Logo",
        description="PNG, JPEG or WebP, up to 512 KB and 2000 pixels a side.",
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    remove_logo = BooleanField("Remove the logo")
    accent_colour = StringField(
        "Accent colour",
        validators=[Optional(), Length(max=7)],
        description="As #rrggbb. Buttons and links use it, so it needs 4.5:1 against white.",
        render_kw={"placeholder": "#1f4fa8", "autocomplete": "off"},
    )


class PracticeSettingsForm(FlaskForm):
    name = StringField("Practice name", validators=[DataRequired(), Length(max=120)])
    timezone = timezone_field()
    require_two_factor = BooleanField(
        "Require two-factor sign-in for coaches and owners",
        description="They set it up (an authenticator app) before they can open the practice.",
    )
    session_change_cutoff_hours = IntegerField(
        "Sessions can be moved or cancelled until (hours before)",
        validators=[Optional(), NumberRange(min=0, max=168, message="0 to 168 hours.")],
        description="After that, coach and client get in touch instead.",
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


# -- sessions and availability ----------------------------------------------------------

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LENGTH_OPTIONS = [SelectChoice(n, f"{n} minutes") for n in (30, 45, 60)]


class AvailabilityForm(FlaskForm):
    """Weekly hours (one span a day, blank = day off) and the booking rules."""

    timezone = SelectField(
        "Your timezone",
        description="Your hours are in this timezone; blank uses the practice's.",
    )
    lengths = SelectMultipleField(
        "Session lengths clients may book",
        choices=LENGTH_OPTIONS,
        coerce=int,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired(message="Choose at least one session length.")],
    )
    buffer_minutes = IntegerField(
        "Buffer between sessions (minutes)",
        default=15,
        validators=[InputRequired(), NumberRange(min=0, max=120)],
    )
    min_notice_hours = IntegerField(
        "Minimum notice (hours)",
        default=24,
        validators=[InputRequired(), NumberRange(min=0, max=336)],
    )
    horizon_days = IntegerField(
        "Booking horizon (days ahead)",
        default=28,
        validators=[InputRequired(), NumberRange(min=1, max=180)],
    )
    default_location = StringField("Usual place", validators=[Optional(), Length(max=255)])
    default_video_url = URLField(
        "Usual video-call link", validators=[Optional(), URL(require_tld=False), Length(max=2048)]
    )


for _day, _name in enumerate(WEEKDAY_NAMES):
    setattr(
        AvailabilityForm, f"day{_day}_start", TimeField(f"{_name} from", validators=[Optional()])
    )
    setattr(AvailabilityForm, f"day{_day}_end", TimeField(f"{_name} to", validators=[Optional()]))


class BlockDateForm(FlaskForm):
    blocked_on = DateField("Day off", validators=[DataRequired(message="Give a date.")])
    note = StringField("Note (only you see it)", validators=[Optional(), Length(max=120)])


class ScheduleForm(FlaskForm):
    """The coach schedules a session for a client, in the coach's timezone."""

    client = SelectField("Client", coerce=int)
    day = DateField("Day", validators=[DataRequired(message="Give a date.")])
    start = TimeField("Starts at", validators=[DataRequired(message="Give a time.")])
    minutes = SelectField("Length", choices=LENGTH_OPTIONS, coerce=int, default=60)
    location = StringField("Place", validators=[Optional(), Length(max=255)])
    video_url = URLField(
        "Video-call link", validators=[Optional(), URL(require_tld=False), Length(max=2048)]
    )


class CoachRescheduleForm(FlaskForm):
    day = DateField("Day", validators=[DataRequired(message="Give a date.")])
    start = TimeField("Starts at", validators=[DataRequired(message="Give a time.")])
    minutes = SelectField("Length", choices=LENGTH_OPTIONS, coerce=int, default=60)
    reason = TextAreaField(
        "Reason (the client sees it)",
        validators=[DataRequired(message="Say why."), Length(max=500)],
    )


class NotesForm(FlaskForm):
    shared_notes = TextAreaField(
        "Shared notes",
        description="The client sees these, and gets them by email when you send the recap.",
        validators=[Length(max=20000)],
    )
    private_notes = TextAreaField(
        "Private coach notes",
        description=(
            "Never shown to the client and never in the client's export; "
            "always in the practice's export."
        ),
        validators=[Length(max=20000)],
    )


class ActionItemForm(FlaskForm):
    title = StringField(
        "Action for the client", validators=[DataRequired(message="Say what."), Length(max=255)]
    )
    due_on = DateField("Due", validators=[DataRequired(message="Give a due date.")])
    goal = SelectField("Towards goal", coerce=str, choices=[], validate_choice=False)


class OutcomeForm(FlaskForm):
    status = RadioField(
        "How did it go?",
        choices=[SelectChoice("completed", "Held"), SelectChoice("no-show", "No-show")],
        validators=[InputRequired(message="Choose held or no-show.")],
    )


class WebhookForm(FlaskForm):
    url = StringField("Endpoint URL", validators=[DataRequired(), Length(max=2048)])
    events = SelectMultipleField("Events", description="The events this URL receives.")
