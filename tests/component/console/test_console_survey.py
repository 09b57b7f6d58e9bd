"""The post-move survey through the console: shown to the moved person when a checkpoint is due, sent to the
evaluation service with the person's own token, never to anyone else."""

from __future__ import annotations

import re
from datetime import date

from mutasi.contracts import topics
from tests.component.evaluation.evaluation_events import ROUND, decided
from tests.component.placement.placement_world import ACCOUNTANT, IT_GRAD
from tests.support.service import publish_event

from .console_world import Person, world

TODAY = date(2027, 4, 10)  # the 3-month checkpoint of a move effective 2 January 2027 is due (2 April)
ITEMS = ("role_clarity", "competence_fit", "supervisor_support", "training_usefulness", "motivation", "confidence",
         "intent_to_stay")  # fmt: skip


def moved(nip: str) -> object:
    event = decided(1)
    return event.model_copy(update={"nip": nip})


async def test_a_moved_employee_answers_the_due_survey_on_their_evaluation_page() -> None:
    async with world(evaluation_today=TODAY) as w, Person(w, "it") as it:
        assert w.evaluation is not None
        await publish_event(w.evaluation, topics.MUTATION_DECIDED, moved(IT_GRAD))
        page = (await it.page("/saya/evaluasi")).text
        assert "Survei 3 bulan setelah mutasi" in page
        assert "Survei 6 bulan" not in page  # not open yet
        assert "Kejelasan peran" in page
        assert "Sangat setuju" in page
        assert f'action="/saya/evaluasi/{ROUND}/3/survei"' in page
        form = {f"a_{item}": "4" for item in ITEMS} | {"a_competence_fit": "2", "free_text": "Butuh pelatihan SIG"}
        r = await it.submit("/saya/evaluasi", f"/saya/evaluasi/{ROUND}/3/survei", form)
        assert r.status_code == 303, r.text
        page = (await it.page(r.headers["location"])).text
        assert "Jawaban survei Anda tersimpan" in page
        assert "survei Anda sudah diisi" in page
        assert re.search(r'name="a_competence_fit" value="2" required checked', page)
        assert "Butuh pelatihan SIG" in page
        evaluation_calls = [c for c in w.router.calls if c[0] == "evaluation" and c[1] == "PUT"]
        assert [c[2] for c in evaluation_calls] == [f"/v1/me/surveys/{ROUND}/3"]  # no NIP in any URL


async def test_a_missing_answer_is_shown_back_with_the_item_and_reason() -> None:
    async with world(evaluation_today=TODAY) as w, Person(w, "it") as it:
        assert w.evaluation is not None
        await publish_event(w.evaluation, topics.MUTATION_DECIDED, moved(IT_GRAD))
        form = {f"a_{item}": "4" for item in ITEMS[:-1]}
        r = await it.submit("/saya/evaluasi", f"/saya/evaluasi/{ROUND}/3/survei", form)
        assert r.status_code == 422
        assert "answers.intent_to_stay" in r.text
        assert "wajib diisi" in r.text


async def test_another_employee_cannot_answer_someone_elses_survey() -> None:
    async with world(evaluation_today=TODAY) as w, Person(w, "akuntan") as other:
        assert w.evaluation is not None
        await publish_event(w.evaluation, topics.MUTATION_DECIDED, moved(IT_GRAD))
        assert "Belum ada jadwal evaluasi" in (await other.page("/saya/evaluasi")).text
        form = {f"a_{item}": "1" for item in ITEMS} | {"nip": IT_GRAD}
        r = await other.submit("/saya/evaluasi", f"/saya/evaluasi/{ROUND}/3/survei", form)
        assert r.status_code == 404  # the service looked for the caller's own move (ACCOUNTANT has none)
        mine = (await w.evaluation.http.get("/v1/me/evaluations", headers={"X-Nip": IT_GRAD})).json()
        assert mine["surveys"] == []
        assert ACCOUNTANT not in str([c for c in w.router.calls if c[0] == "evaluation"])
