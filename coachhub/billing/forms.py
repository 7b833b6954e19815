from wtforms import HiddenField, IntegerField, RadioField, SelectChoice
from wtforms.validators import DataRequired, NumberRange

from coachhub.inputs import BaseForm as FlaskForm

PLAN_CHOICES = [
    SelectChoice("monthly", "Monthly"),
    SelectChoice("yearly", "Yearly"),
]


class SubscribeForm(FlaskForm):
    plan = RadioField("Billing period", choices=PLAN_CHOICES, default="monthly")


class SeatsForm(FlaskForm):
    quantity = IntegerField(
        "Paid seats",
        validators=[DataRequired(), NumberRange(min=1, max=1000)],
        description="One seat per active coach, the owner included. Clients are free.",
    )
    # The signed preview (practice, quantity, the moment it was priced at): the update uses
    # that moment so the charge matches, and a confirmation cannot choose its own.
    proration_token = HiddenField()
