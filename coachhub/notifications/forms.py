"""The preferences form is built per member: one switch per kind they can receive."""

from wtforms import BooleanField, SelectChoice, SelectField

from coachhub.inputs import BaseForm as FlaskForm
from coachhub.notifications.kinds import WEEKDAYS, Cadence
from coachhub.notifications.preferences import Preference


class PreferencesForm(FlaskForm):
    """Fields are added by `preferences_form`: `<kind>` and, for weekly kinds, `<kind>_weekday`."""


def preferences_form(preferences: list[Preference], formdata=None) -> PreferencesForm:
    """The form for these preferences; pass `request.form` on POST.

    Explicit formdata: a POST with every box unticked may carry no fields at all, and
    must still mean "all off" rather than "show the saved values".
    """

    class Form(PreferencesForm):
        pass

    data = {}
    for preference in preferences:
        kind = preference.kind
        label = f"Send me the {kind.label.lower()}"
        setattr(Form, kind.key, BooleanField(label, description=kind.description))
        data[kind.key] = preference.enabled
        if kind.cadence == Cadence.WEEKLY:
            setattr(
                Form,
                f"{kind.key}_weekday",
                SelectField(
                    "Send it on",
                    choices=[SelectChoice(n, day) for n, day in enumerate(WEEKDAYS)],
                    coerce=int,
                ),
            )
            data[f"{kind.key}_weekday"] = preference.weekday
    return Form(formdata=formdata, data=data)
