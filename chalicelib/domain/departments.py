"""Department codes: every complaint is routed to exactly one of these."""

DEPARTMENTS: tuple[str, ...] = (
    "police",
    "electricity",
    "water",
    "sanitation",
    "roads",
    "health",
    "revenue",
    "food",
    "education",
    "transport",
    "other",
)

NAMES_HI: dict[str, str] = {
    "police": "पुलिस",
    "electricity": "बिजली",
    "water": "जल",
    "sanitation": "स्वच्छता",
    "roads": "सड़क",
    "health": "स्वास्थ्य",
    "revenue": "राजस्व",
    "food": "खाद्य एवं रसद",
    "education": "शिक्षा",
    "transport": "परिवहन",
    "other": "अन्य",
}
