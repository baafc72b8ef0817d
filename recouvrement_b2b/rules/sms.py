"""SMS text in the GSM 03.38 alphabet (3GPP TS 23.038), so that a reminder is billed by parts
of 153 characters, not 67: one character outside it (a no-break space of a formatted amount,
a typographic apostrophe, the euro sign for Odoo's SMS counter, a letter such as "ê") sends
the whole SMS in UCS-2, which more than doubles the number of parts paid.

The alphabet is the basic table as Odoo's SMS widget counts it (``fields_sms_widget.js``);
characters outside it are written with their closest equivalent: spaces of every width as a
space, quotes and dashes as their ASCII forms, the euro sign as "EUR", accented letters
without their accent (the accented letters of the alphabet, such as "é" or "à", are kept).
"""

import math
import unicodedata

#: the GSM 03.38 basic character table (Odoo's SMS counter)
GSM7_ALPHABET = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)

#: closest GSM 03.38 text of common characters outside the alphabet
REPLACEMENTS = {
    "\u00a0": " ",  # no-break space (amounts: "1 200,00 €")
    "\u202f": " ",  # narrow no-break space (French thousands separator)
    "\u2009": " ",  # thin space
    "\u2007": " ",  # figure space
    "\u2002": " ",
    "\u2003": " ",
    "\t": " ",
    "\u2018": "'",
    "\u2019": "'",  # typographic apostrophe
    "\u201c": '"',
    "\u201d": '"',
    "\u00ab": '"',  # French quotes
    "\u00bb": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u20ac": "EUR",  # outside the basic table
    "\u00e7": "c",  # ç: the table has the capital Ç only
    "\u0153": "oe",
    "\u0152": "OE",
}


def to_gsm7(text):
    """``text`` (str) written in the GSM 03.38 basic alphabet (see the module): a character
    outside it is replaced by its closest equivalent, else by "?"."""
    result = []
    for char in text or "":
        if char in GSM7_ALPHABET:
            result.append(char)
        elif char in REPLACEMENTS:
            result.append(REPLACEMENTS[char])
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            result.append(base if base and all(c in GSM7_ALPHABET for c in base) else "?")
    return "".join(result)


def count_parts(text):
    """Number of SMS parts ``text`` (str) is billed as: 160 characters in one SMS, 153 per
    part beyond, in the GSM 03.38 alphabet; 70, then 67 per part, in UCS-2 (as Odoo's SMS
    counter)."""
    if not text:
        return 0
    single, part = (160, 153) if all(c in GSM7_ALPHABET for c in text) else (70, 67)
    return 1 if len(text) <= single else math.ceil(len(text) / part)
