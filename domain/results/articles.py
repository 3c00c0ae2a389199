"""The rules that decide seats and winners, each named by its article of the Kodeks wyborczy.

The codes are stable (results carry them); ``TEXT`` says each in words. Council articles (380,
416, 443, 444) are checked against the published text; art. 445 and the articles of Dział VIII on
the wójt (472-475) are cited from the consolidated text as we read it: the rules they carry are
confirmed by the commission's guidance and the 2024 practice, their numbering less so. Art. 445
applies to local councils what art. 234 says for the Sejm.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Rule(StrEnum):
    UNCONTESTED = "kw.380"
    THRESHOLD = "kw.416.1"
    MOST_VOTES = "kw.443.1"
    MOST_PRECINCTS = "kw.443.2"
    QUOTIENT = "kw.444.1"
    LIST_VOTES = "kw.444.2.votes"
    LIST_PRECINCTS = "kw.444.2.precincts"
    CANDIDATE_VOTES = "kw.444.3"
    CANDIDATE_PRECINCTS = "kw.444.3+233"
    SURPLUS = "kw.445.1"
    MAJORITY = "kw.472.1"
    RUNOFF_PAIR = "kw.473.1"
    RUNOFF_PAIR_PRECINCTS = "kw.473.2"
    RUNOFF_VOTES = "kw.474.2"
    RUNOFF_PRECINCTS = "kw.474.3"
    SOLE_CANDIDATE = "kw.475.1"
    COUNCIL_ELECTS = "kw.475.2"


TEXT: Final[dict[Rule, str]] = {
    Rule.UNCONTESTED: "art. 380: no more candidates than seats, no vote; the registered "
    "candidates are elected, the other seats stay vacant",
    Rule.THRESHOLD: "art. 416 § 1: only lists with at least 5% of the valid votes in the whole "
    "area take part in the apportionment",
    Rule.MOST_VOTES: "art. 443 § 1: the candidate with the most valid votes",
    Rule.MOST_PRECINCTS: "art. 443 § 2: equal votes; more precincts where the candidate had the "
    "most votes",
    Rule.QUOTIENT: "art. 444 § 1: the largest D'Hondt quotients (votes / 1, 2, 3 ...)",
    Rule.LIST_VOTES: "art. 444 § 2: equal last quotients; the list with more votes",
    Rule.LIST_PRECINCTS: "art. 444 § 2: equal last quotients and votes; more precincts where "
    "the list had more votes",
    Rule.CANDIDATE_VOTES: "art. 444 § 3: inside a list, candidates in order of their votes",
    Rule.CANDIDATE_PRECINCTS: "art. 444 § 3 with art. 233: equal votes; more precincts where the "
    "candidate had more votes",
    Rule.SURPLUS: "art. 445 § 1: a list won more seats than it has candidates; the missing ones "
    "go to the next largest quotients of the other lists",
    Rule.MAJORITY: "art. 472 § 1: more than half of the valid votes",
    Rule.RUNOFF_PAIR: "art. 473 § 1: no majority; a runoff of the two with the most votes",
    Rule.RUNOFF_PAIR_PRECINCTS: "art. 473 § 2: equal votes for a runoff place; more precincts "
    "where the candidate had more votes",
    Rule.RUNOFF_VOTES: "art. 474 § 2: in the runoff, more valid votes",
    Rule.RUNOFF_PRECINCTS: "art. 474 § 3: equal runoff votes; more precincts where the candidate "
    "had more votes",
    Rule.SOLE_CANDIDATE: "art. 475 § 1: a sole candidate is elected by more than half of the "
    "valid votes YES",
    Rule.COUNCIL_ELECTS: "art. 475 § 2: the sole candidate was not elected; the council elects "
    "the wójt",
}
