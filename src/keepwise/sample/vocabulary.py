"""The words the sample business writes: staff, ticket subjects, incident notes, return reasons,
names, countries and e-mail domains; and a vocabulary that codes several groups of words as integers."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from keepwise.sample.arrays import labels_from_codes

STAFF = ("Anna K.", "Reza M.", "Olga P.", "Tom B.", "Sara L.", "Dmitri V.", "Leila H.", "Jonas W.")
SUBJECTS = {
    "question": ("Where is my order?", "Opening hours", "Which size should I pick?", "Copy of my invoice"),
    "request": ("Change delivery address", "Update account details", "Gift wrapping", "Split delivery"),
    "praise": ("Thank you!", "Great service", "Love the product", "Fast delivery"),
    "complaint": ("Delivery late", "Item arrived damaged", "Wrong item sent", "Refund not received"),
    "unfounded": (
        "Packaging could be nicer",
        "Colour not as in the photo",
        "Courier did not smile",
        "Price went up",
        "Website too slow",
        "Want compensation",
    ),
}
INCIDENT_NOTES = {
    "abuse_of_staff": (
        "Shouted at and insulted staff on the phone",
        "Threatened the courier",
        "Abusive messages in chat",
        "Swore at the shop assistant",
    ),
    "fraud": ("Claimed non-delivery of a delivered parcel", "Paid with a stolen card"),
    "chargeback": ("Disputed a delivered order with the bank", "Chargeback after using the goods"),
    "unethical_request": ("Asked for a fake invoice", "Asked us to backdate an invoice"),
    "values_conflict": ("Demanded products against our sourcing policy", "Demeaning remarks about staff"),
    "policy_abuse": ("Reused a single-use voucher", "Several accounts for the welcome discount"),
}
RETURN_REASONS = {
    True: ("arrived damaged", "stopped working", "faulty", "not as described"),
    False: ("changed mind", "did not fit", "not as expected", "ordered by mistake", "found it cheaper"),
}
LANGUAGE_WEIGHTS = (0.86, 0.07, 0.07)
COUNTRIES = {
    "en": (("IE", "NL", "DE", "FR", "BE", "AT"), (0.3, 0.2, 0.2, 0.1, 0.1, 0.1)),
    "fa": (("DE", "NL", "SE", "AT"), (0.5, 0.2, 0.2, 0.1)),
    "ru": (("DE", "LV", "EE", "CY"), (0.5, 0.2, 0.2, 0.1)),
}
# Names as written, with "=latin" where the e-mail address needs a transliteration and "_" for a space.
FIRST_NAMES = {
    "en": "Emma Liam Olivia Noah Ava Lucas Mia Finn Sophie Sean Grace Daniel Chloe Jack Ella Ruth Oscar Hannah",
    "fa": "مریم=maryam علی=ali سارا=sara رضا=reza نگار=negar امید=omid لیلا=leila بهرام=bahram",
    "ru": "Анна=anna Иван=ivan Ольга=olga Дмитрий=dmitri Мария=maria Сергей=sergei Елена=elena Павел=pavel",
}
LAST_NAMES = {
    "en": "Murphy Jansen Smith Müller=mueller Dubois Kelly de_Vries=devries Walsh Peeters Schmidt Byrne Bakker",
    "fa": "احمدی=ahmadi رضایی=rezaei کریمی=karimi حسینی=hosseini موسوی=mousavi تهرانی=tehrani",
    "ru": "Иванов=ivanov Смирнов=smirnov Кузнецов=kuznetsov Попов=popov Соколов=sokolov Волков=volkov",
}
# Given names whose family name takes its feminine form, by language, and the ending that makes it, "=latin" as
# above (a Russian family name agrees with the given name: Анна Иванова, Иван Иванов). Other languages: one form.
FEMININE_FIRST_NAMES = {"ru": ("Анна Ольга Мария Елена", "а=a")}
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")


class Vocabulary:
    """Several named groups of strings in one list, so rows can hold one integer code each."""

    def __init__(self, groups: dict) -> None:
        self.words: list[str] = []
        self.start: dict = {}
        self.size: dict = {}
        for key, words in groups.items():
            self.start[key], self.size[key] = len(self.words), len(words)
            self.words.extend(words)

    def draw(self, rng: np.random.Generator, keys: np.ndarray) -> np.ndarray:
        """For each row, the code of a random word from the group named by that row's key."""
        codes = np.full(len(keys), -1, dtype=np.int64)
        for key in self.start:
            rows = np.flatnonzero(keys == key)
            codes[rows] = self.start[key] + rng.integers(0, self.size[key], len(rows))
        return codes

    def labels(self, codes: np.ndarray) -> pa.Array:
        return labels_from_codes(self.words, codes)
