"""The topic registry: every topic with its payload, producer, consumers, partition key and owner."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from mutasi.contracts.assessment import AssessmentCompletedV2
from mutasi.contracts.evaluation import EvaluationRecordedV1, FollowUpRecommendedV1
from mutasi.contracts.placement import MutationDecidedV1, RoundAnnouncedV1
from mutasi.contracts.training import TrainingAssignedV1, TrainingCompletedV1


@dataclass(frozen=True)
class Topic:
    """One Kafka topic; its name is also the CloudEvents `type` of its messages."""

    name: str
    payload: type[BaseModel]
    producer: str
    consumers: tuple[str, ...]
    key: str  # which payload field is the partition key
    owner: str
    description: str
    public: bool = True  # other systems may subscribe

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"

    @property
    def schema_file(self) -> str:
        return f"schemas/{self.name}.json"


ASSESSMENT_COMPLETED = Topic(
    "mutasi.assessment-completed.v2",
    AssessmentCompletedV2,
    "assessment",
    ("placement", "training", "console"),
    "nip",
    "assessment team",
    "An ASN's competency assessment is complete (JPM, 9-box, placement snapshot; eligibility flags sealed "
    "for placement).",
)
ROUND_ANNOUNCED = Topic(
    "mutasi.round-announced.v1",
    RoundAnnouncedV1,
    "placement",
    ("console",),
    "round_id",
    "placement team",
    "A mutation round is announced and the preferences window opens.",
)
MUTATION_DECIDED = Topic(
    "mutasi.mutation-decided.v1",
    MutationDecidedV1,
    "placement",
    ("training", "evaluation", "console"),
    "nip",
    "placement team",
    "A move is decided after two approvals; superseding decisions name the one replaced.",
)
TRAINING_ASSIGNED = Topic(
    "mutasi.training-assigned.v1",
    TrainingAssignedV1,
    "training",
    ("evaluation", "console"),
    "nip",
    "training team",
    "A development plan (workshop, technical training, mentor) is assigned.",
)
TRAINING_COMPLETED = Topic(
    "mutasi.training-completed.v1",
    TrainingCompletedV1,
    "training",
    ("evaluation",),
    "nip",
    "training team",
    "A planned training was completed.",
)
EVALUATION_RECORDED = Topic(
    "mutasi.evaluation-recorded.v1",
    EvaluationRecordedV1,
    "evaluation",
    (),
    "nip",
    "evaluation team",
    "A post-move checkpoint was evaluated.",
)
FOLLOW_UP_RECOMMENDED = Topic(
    "mutasi.follow-up-recommended.v1",
    FollowUpRecommendedV1,
    "evaluation",
    ("assessment", "training", "placement"),
    "nip",
    "evaluation team",
    "An outcome calls for re-assessment, more training, re-placement or the talent pool.",
)

ALL: tuple[Topic, ...] = (
    ASSESSMENT_COMPLETED,
    ROUND_ANNOUNCED,
    MUTATION_DECIDED,
    TRAINING_ASSIGNED,
    TRAINING_COMPLETED,
    EVALUATION_RECORDED,
    FOLLOW_UP_RECOMMENDED,
)
BY_NAME: dict[str, Topic] = {t.name: t for t in ALL}
