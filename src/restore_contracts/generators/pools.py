"""Value pools drawn once from a seeded Faker, then picked from per record.

Calling Faker for every row is two orders of magnitude slower than a
``Random.choice``; drawing a few hundred names, companies and cities once per
(seed, locale) keeps the values realistic and localised while generation
stays fast. Each pool owns its Faker instance; none is shared or global.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from faker import Faker
from faker.config import AVAILABLE_LOCALES

from restore_contracts.errors import InputError
from restore_contracts.generators.vocab import FOUNDATION_KINDS, POLICY_KINDS

LOCALES: tuple[str, ...] = tuple(sorted(AVAILABLE_LOCALES))
"""Every locale Faker ships; the generators accept any of them."""

_PEOPLE = 96
_COMPANIES = 48
_CITIES = 48
_NAMES_PER_KIND = 12
_SLUG_RE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Pools:
    """Localised values for one (seed, locale): pick from these, never call Faker per row."""

    locale: str
    people: tuple[str, ...]
    emails: tuple[str, ...]
    companies: tuple[tuple[str, str], ...]
    """(company name, ASCII slug)."""
    cities: tuple[str, ...]
    policy_names: tuple[tuple[str, ...], ...]
    """Display names per entry of :data:`POLICY_KINDS`, same order."""
    foundation_names: tuple[tuple[str, ...], ...]
    """Display names per entry of :data:`FOUNDATION_KINDS`, same order."""


def slugify(text: str) -> str:
    """An ASCII slug (``acme-gmbh``); empty when the name has no Latin letters or digits."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SLUG_RE.sub("-", ascii_text.lower()).strip("-")


def _org_token(company: str) -> str:
    """A short organisation prefix as admins put in policy names (``ACME``)."""
    word = company.replace(",", " ").split()[0] if company.split() else company
    return word.strip(".-").upper()[:12] or "ORG"


def check_locale(locale: str) -> str:
    """The locale if Faker knows it, else a one-line error listing the valid ones."""
    if locale not in AVAILABLE_LOCALES:
        raise InputError(f"unknown locale {locale!r}; valid locales: {', '.join(LOCALES)}")
    return locale


@functools.lru_cache(maxsize=32)
def pools_for(seed: int, locale: str) -> Pools:
    """Draw the pools for one (seed, locale); cached, since they depend on nothing else."""
    check_locale(locale)
    fake = Faker(locale)
    fake.seed_instance(seed)
    people = tuple(fake.name() for _ in range(_PEOPLE))
    emails = tuple(fake.email() for _ in range(_PEOPLE))
    company_names = [fake.company() for _ in range(_COMPANIES)]
    companies = tuple((name, slugify(name)) for name in company_names)
    cities = tuple(fake.city() for _ in range(_CITIES))
    orgs = [_org_token(name) for name in company_names]

    def fill(template: str, index: int) -> str:
        return template.format(
            org=orgs[index % len(orgs)],
            city=cities[(index * 7) % len(cities)],
            n=1 + index % 4,
        )

    policy_names = tuple(
        tuple(
            fill(kind.templates[i % len(kind.templates)], i + k * _NAMES_PER_KIND)
            for i in range(_NAMES_PER_KIND)
        )
        for k, kind in enumerate(POLICY_KINDS)
    )
    foundation_names = tuple(
        tuple(dict.fromkeys(fill(t, i + k * 5) for i, t in enumerate(templates * 2)))
        for k, (_, templates) in enumerate(FOUNDATION_KINDS)
    )
    return Pools(
        locale=locale,
        people=people,
        emails=emails,
        companies=companies,
        cities=cities,
        policy_names=policy_names,
        foundation_names=foundation_names,
    )


__all__ = ("LOCALES", "Pools", "check_locale", "pools_for", "slugify")
