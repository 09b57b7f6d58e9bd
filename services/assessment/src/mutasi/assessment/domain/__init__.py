"""The assessment domain: ASN registry rows, competency standards, SKP predicates, JPM and the 9-box ."""
