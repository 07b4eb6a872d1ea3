"""Recipients (name, company) the copy tests send one note to, in order."""

PEOPLE: list[tuple[str, str]] = [
    ("Sam Okafor", "Kestrel"),
    ("Lee Chen", "Bayview Bank"),
    ("Ana Ferreira", "Tidewater"),
    ("Mei Lin", "Northwind"),
    ("Tom Hardy", "Lakeshore"),
    ("Zoe Adams", "Maple"),
    ("Raj Patel", "Harbour"),
    ("Ola Nordmann", "City"),
    ("Ivy Green", "Beacon"),
    ("Kofi Mensah", "Volta Solar"),
    ("Wei Zhang", "Lumen"),
    ("Hana Sato", "Kumo Games"),
]
