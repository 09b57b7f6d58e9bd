"""Value types shared by several payloads."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from mutasi.contracts.envelope import Payload
from mutasi.contracts.vocabulary import PostTypeName, PredicateName


class PostRef(Payload):
    """A post (jabatan) and the unit (OPD) it sits in, as names subscribers can show."""

    post_id: str = Field(description="Agency-local post id from the peta jabatan.")
    post_name: str = Field(description="Post name (nomenklatur jabatan).")
    unit_id: str = Field(description="Unit (OPD) id.")
    unit_name: str = Field(description="Unit (OPD) name.")
    post_type: PostTypeName = Field(description="Kind of post (jabatan ASN, UU 20/2023), lowest level first.")
    eselon: str | None = Field(None, description="Eselon of a structural post, e.g. III.b.")
    reports_to_post_id: str | None = Field(
        None, description="Post id of the direct superior (atasan langsung, from the peta jabatan)."
    )


class PredicateYear(Payload):
    """One annual SKP performance predicate (PermenPANRB 6/2022)."""

    year: int = Field(description="Appraisal year.")
    predicate: PredicateName = Field(description="The SKP predicate, as e-Kinerja and SIASN spell it.")


class DatedValue(Payload):
    """A number recorded on a date, e.g. a JPM measured at an assessment."""

    on: date
    value: float
