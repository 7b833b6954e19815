"""Client portal forms of the network: contacts, touches, the reciprocity ledger,
introductions and contact imports."""

from flask_wtf.file import FileField, FileRequired
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

from coachhub.client.forms import TOUCH_KIND_CHOICES
from coachhub.forms import TEXT, optional_id
from coachhub.inputs import BaseForm as FlaskForm
from coachhub.models import (
    LedgerDirection,
    LedgerKind,
)
from coachhub.services.contacts import CONTACT_FIELDS


class ContactForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    company = StringField("Company", validators=[Length(max=120)])
    title = StringField("Job title", validators=[Length(max=120)])
    industry = StringField("Industry", validators=[Length(max=120)])
    email = StringField(
        "Email",
        validators=[Optional(), Email(message="Enter a valid email address."), Length(max=254)],
    )
    profile_url = URLField(
        "Profile URL",
        validators=[Optional(), URL(message="Enter a full web address."), Length(max=500)],
    )
    how_met = StringField("How you met", validators=[Length(max=255)])
    introduced_by_contact_id = SelectField(
        "Introduced by", coerce=optional_id, validate_choice=False
    )
    cadence_days = IntegerField(
        "Keep in touch every … days",
        validators=[Optional(), NumberRange(min=1, max=730, message="Between 1 and 730 days.")],
        description="Leave empty for no cadence; past it, the contact shows up as stale.",
    )
    notes = TextAreaField("Notes", validators=TEXT, render_kw={"rows": 3})

    # The form edits exactly the fields the contacts service accepts.
    FIELDS = CONTACT_FIELDS

    def contact_fields(self) -> dict:
        return {
            name: self[name].data or ("" if name not in NULLABLE else None) for name in self.FIELDS
        }


NULLABLE = {"introduced_by_contact_id", "cadence_days"}


class TouchForm(FlaskForm):
    kind = SelectField("How were you in touch?", choices=TOUCH_KIND_CHOICES)
    on = DateField("When", validators=[Optional()], description="Today if left empty.")
    note = TextAreaField(
        "Note",
        validators=[Optional(), Length(max=2000, message="Keep it under 2000 characters.")],
        description="Optional: what it was about, what they said.",
        render_kw={"rows": 2},
    )
    next = HiddenField()


class LedgerForm(FlaskForm):
    direction = RadioField(
        "I …",
        choices=[
            SelectChoice(LedgerDirection.GAVE.value, "gave"),
            SelectChoice(LedgerDirection.RECEIVED.value, "received"),
        ],
        default=LedgerDirection.GAVE.value,
    )
    kind = SelectField(
        "What",
        choices=[
            SelectChoice(LedgerKind.INFORMATION.value, "Information or advice"),
            SelectChoice(LedgerKind.INTRODUCTION.value, "An introduction"),
            SelectChoice(LedgerKind.HELP.value, "Help"),
            SelectChoice(LedgerKind.ARTICLE.value, "An article or resource"),
            SelectChoice(LedgerKind.REFERRAL.value, "A referral"),
            SelectChoice(LedgerKind.OTHER.value, "Something else"),
        ],
    )
    description = StringField(
        "In a few words",
        validators=[
            DataRequired(message="What was it? A few words are enough."),
            Length(max=500, message="Keep it under 500 characters."),
        ],
    )
    happened_on = DateField("When", validators=[Optional()], description="Today if left empty.")
    # A promise ("I'll send the article") is also a follow-up, due on this day.
    is_promise = BooleanField("This is a promise — remind me")
    remind_on = DateField(
        "Remind me on", validators=[Optional()], description="A week from today if left empty."
    )


class IntroductionRequestForm(FlaskForm):
    introducer_contact_id = SelectField(
        "Who to ask", coerce=optional_id, validate_choice=False, validators=[InputRequired()]
    )
    target = StringField(
        "to introduce me to",
        validators=[
            DataRequired(message="Who would you like to meet?"),
            Length(max=255, message="Keep it under 255 characters."),
        ],
        description="e.g. someone in the data team.",
    )
    target_company = StringField("at (company)", validators=[Length(max=120)])
    note = TextAreaField(
        "Note",
        validators=TEXT,
        description="Optional: why, what you would ask them.",
        render_kw={"rows": 2},
    )
    requested_on = DateField("Asked on", validators=[Optional()], description="Today if empty.")


class IntroductionMadeForm(FlaskForm):
    name = StringField("Their name", validators=[DataRequired(), Length(max=120)])
    company = StringField("Company", validators=[Length(max=120)])
    email = StringField(
        "Email",
        validators=[Optional(), Email(message="Enter a valid email address."), Length(max=254)],
    )
    made_on = DateField("Introduced on", validators=[Optional()], description="Today if empty.")


class DayForm(FlaskForm):
    """One optional date (today if empty): an introduction met or declined, a promise kept."""

    on = DateField("On", validators=[Optional()])


class ImportForm(FlaskForm):
    source = SelectField(
        "From",
        choices=[
            SelectChoice("linkedin", "LinkedIn export (Connections.csv)"),
            SelectChoice("google", "Google Contacts (CSV)"),
            SelectChoice("vcard", "vCard (.vcf)"),
        ],
    )
    file = FileField("File", validators=[FileRequired(message="Choose a file to import.")])
