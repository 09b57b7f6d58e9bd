"""Adapters of the assessment service: spreadsheets, the 9-box picture and repositories over chassis collections."""
