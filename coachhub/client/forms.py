"""Client portal forms: meeting logs, follow-ups, check-ins and sessions (the network's
forms, contacts to imports, are in network_forms.py)."""

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from coachhub.forms import TEXT, member_timezone_field, optional_id
from coachhub.inputs import BaseForm as FlaskForm
from coachhub.models import (
    Approach,
    KeepInTouch,
    MeetingFormat,
    TouchKind,
)


def _area(label: str, description: str = "", rows: int = 3) -> TextAreaField:
    return TextAreaField(label, validators=TEXT, description=description, render_kw={"rows": rows})


class MeetingForm(FlaskForm):
    contact_id = SelectField("Contact", coerce=optional_id, validate_choice=False)
    new_contact_name = StringField("…or a new contact's name", validators=[Length(max=120)])
    new_contact_company = StringField("New contact's company", validators=[Length(max=120)])
    goal_id = SelectField(
        "Goal", coerce=optional_id, validate_choice=False, description="Optional."
    )
    met_on = DateField("Date", validators=[InputRequired(message="When was (or is) the meeting?")])
    format = SelectField(
        "Format",
        choices=[
            SelectChoice(MeetingFormat.COFFEE.value, "Coffee"),
            SelectChoice(MeetingFormat.EVENT.value, "Event"),
            SelectChoice(MeetingFormat.CALL.value, "Call"),
            SelectChoice(MeetingFormat.VIDEO.value, "Video"),
            SelectChoice(MeetingFormat.ONLINE_SOCIAL.value, "Online / social"),
            SelectChoice(MeetingFormat.OTHER.value, "Other"),
        ],
        default=MeetingFormat.COFFEE.value,
    )
    ask = _area("My ask", "What do you want to find out? About a company, people, the industry.")
    offer = _area("My offer", "What can you do for them? An introduction, an article, your skills.")
    learned = _area("What I learned")
    they_asked = _area("What they asked of me")
    introductions = _area("Introductions offered", "Who did they offer to introduce you to?")
    new_introductions = _area(
        "Add them as contacts",
        "One per line, as “Name, Company”: each becomes a contact introduced by this one.",
        rows=2,
    )
    approach = RadioField(
        "How did I come across?",
        choices=[
            SelectChoice(Approach.INFORMATION.value, "Seeking information"),
            SelectChoice(Approach.MIXED.value, "A bit of both"),
            SelectChoice(Approach.JOB_ASKING.value, "Asking for a job"),
        ],
        coerce=lambda v: Approach(v) if v in set(Approach) else None,
        validate_choice=False,
        description="Information, not a job: did you learn about the market, "
        "or ask where the jobs are?",
    )
    reflection = _area("Reflection on my approach", "What would you do differently next time?")
    # Shown only once the form has warned that the ask reads like a job request.
    keep_ask = BooleanField("Keep my ask as it is")
    offer_is_promise = BooleanField(
        "This offer is a promise — remind me",
        description="A follow-up a week after the meeting, until you have kept it.",
    )
    keep_in_touch = RadioField(
        "Asked to keep in touch?",
        choices=[
            SelectChoice(KeepInTouch.NOT_ASKED.value, "Didn't ask"),
            SelectChoice(KeepInTouch.YES.value, "Asked: yes"),
            SelectChoice(KeepInTouch.MAYBE.value, "Asked: maybe"),
            SelectChoice(KeepInTouch.NO.value, "Asked: no"),
        ],
        default=KeepInTouch.NOT_ASKED.value,
    )
    keep_in_touch_answer = StringField("Their answer, in their words", validators=[Length(max=255)])
    follow_up_action = StringField(
        "Follow-up action",
        validators=[Length(max=255)],
        description="e.g. send the article I mentioned, thank-you email.",
    )
    follow_up_due_on = DateField("Follow-up due", validators=[Optional()])
    follow_up_done_on = DateField("Follow-up done on", validators=[Optional()])


TOUCH_KIND_CHOICES = [
    SelectChoice(TouchKind.EMAIL.value, "Email"),
    SelectChoice(TouchKind.CALL.value, "Call"),
    SelectChoice(TouchKind.MESSAGE.value, "Message"),
    SelectChoice(TouchKind.SOCIAL.value, "Social (LinkedIn, a comment, a like)"),
    SelectChoice(TouchKind.EVENT.value, "Saw them at an event"),
    SelectChoice(TouchKind.OTHER.value, "Other"),
]


class DoneForm(FlaskForm):
    done_on = DateField("Done on", validators=[Optional()], description="Today if left empty.")
    # Empty: guessed from the follow-up's action ("Send thank-you email" is an email).
    kind = SelectField(
        "How",
        choices=[SelectChoice("", "As the follow-up says"), *TOUCH_KIND_CHOICES],
        validators=[Optional()],
    )


RATING_CHOICES = [SelectChoice(n, str(n)) for n in range(1, 6)]


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


# -- sessions ---------------------------------------------------------------------------


class BookForm(FlaskForm):
    """One open slot: its start (UTC, ISO 8601, as the page offered it) and length."""

    slot = HiddenField(validators=[DataRequired(message="Choose a time."), Length(max=40)])
    minutes = HiddenField(validators=[DataRequired(), Length(max=3)])


class ClientRescheduleForm(BookForm):
    reason = TextAreaField(
        "Reason (your coach sees it)",
        validators=[DataRequired(message="Say why."), Length(max=500)],
    )


class ActionDoneForm(FlaskForm):
    done_on = DateField("Done on", validators=[DataRequired(message="Give a date.")])


class TimezoneForm(FlaskForm):
    timezone = member_timezone_field()
