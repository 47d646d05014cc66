"""WTForms' own messages ("This field is required.", "Not a valid integer value.") in the page's
language. WTForms ships no Vietnamese, so its messages are listed here for extraction and
translated in our catalog like every other string; `TranslatedForm` makes every form use it."""

from __future__ import annotations

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl
from flask_wtf import FlaskForm

# The WTForms messages our forms can show, exactly as WTForms writes them (for extraction).
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid input."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid email address."),
    _l("Invalid URL."),
    _l("Field must be equal to %(other_name)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _nl(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    ),
    _nl(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    ),
    _nl(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    ),
)


class BabelFormTranslations:
    """The gettext pair WTForms calls, answered from the app's Babel catalog (no formatting:
    WTForms fills in its own %(min)s-style values afterwards)."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


BABEL_FORM_TRANSLATIONS = BabelFormTranslations()


class TranslatedForm(FlaskForm):
    """Every form of the shop: Flask-WTF's CSRF, WTForms' messages in the page's language."""

    class Meta:
        def get_translations(self, form):
            return BABEL_FORM_TRANSLATIONS
