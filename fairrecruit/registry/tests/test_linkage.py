# mypy: disable-error-code="union-attr,arg-type,operator,index"
"""Record linkage: standardisation, the trained model on generated data, merges and their undoing, the review
queue pages and the `link` and `registry_demo` commands."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from fairrecruit.core.models import AuditEvent, Role, User
from fairrecruit.core.services import membership_grant, organisation_create
from fairrecruit.registry.generate import generate_registry, iter_linkage_records, load_into_db
from fairrecruit.registry.linkage import (
    META_KEY,
    actor_merge,
    actor_unmerge,
    actors_merge,
    baseline_clusters,
    city_key,
    cluster,
    evaluate,
    latest_model_path,
    licence_core,
    link_candidate_decide,
    load_model,
    looks_like_organisation,
    model_versions,
    name_full,
    name_tokens,
    next_model_path,
    phone_key,
    predict,
    run_linkage,
    standardise_record,
    train_model,
)
from fairrecruit.registry.models import Actor, LinkCandidate

# ------------------------------------------------------------------------------------------ standardisation


def test_names_lose_legal_and_generic_words_in_any_spelling() -> None:
    assert name_tokens("Himalayan Overseas Pvt. Ltd.") == ["himalayan"]
    assert name_tokens("HIMALAYAN OVERSEAS PRIVATE LIMITED") == ["himalayan"]
    assert name_tokens("Golden Crest Manpower Services") == ["golden", "crest"]
    assert name_tokens("Golden Crest Consultncy") == ["golden", "crest"]  # typo in a generic word
    assert name_tokens("Công ty Cổ phần Nhân lực Quốc tế Sao Việt") == ["sao", "viet"]
    assert name_tokens("PT Bintang Mitra Sejahtera") == ["bintang", "mitra", "sejahtera"]
    assert name_tokens("Al-Noor Manpower Recruitment W.L.L.") == ["noor"]
    assert name_tokens("Overseas Manpower Pvt Ltd") == [
        "overseas",
        "manpower",
    ]  # nothing else left: keep them
    # the full name keeps the generic words: two different agencies
    assert name_full("Sky Overseas Pvt. Ltd.") == "sky overseas" != name_full("Sky Manpower Pvt Ltd")
    assert looks_like_organisation("Thapa Travels & Tours") and not looks_like_organisation(
        "Ram Bahadur Thapa"
    )


def test_other_scripts_meet_latin_on_the_consonant_skeleton() -> None:
    latin = standardise_record({"unique_id": 1, "name": "Himalayan Overseas Pvt. Ltd."})
    deva = standardise_record({"unique_id": 2, "name": "हिमालयन ओभरसिज प्रा. लि."})
    beng = standardise_record({"unique_id": 3, "name": "গোল্ডেন ক্রেস্ট ওভারসীজ লিঃ"})
    assert deva["name_std"] == "himalyn" and latin["name_std"] == "himalayan"
    assert deva["name_skel"] == latin["name_skel"] == "hmlyn"
    assert beng["name_skel"] == standardise_record({"unique_id": 4, "name": "Golden Crest"})["name_skel"]


def test_phones_licences_and_cities() -> None:
    assert phone_key("+977-1-4123456", "NP") == phone_key("01-4123456", "NP") == "97714123456"
    assert phone_key("0097714123456", "NP") == phone_key("(01) 412 3456", "NP") == "97714123456"
    assert phone_key("9841234567", "NP") == phone_key("+977 984 123 4567", "NP") == "9779841234567"
    assert phone_key("+91 98765 43210", "IN") == phone_key("098765 43210", "IN") == "919876543210"
    assert licence_core("Lic. No. 0123") == licence_core("123/065/066") == licence_core("RL-123") == "123"
    assert licence_core("BP2MI/SIP3MI/456/2019") == licence_core("KEP.456/PPMI/2019") == "456"
    assert standardise_record({"unique_id": 1, "licence_number": "dmw 045 lb"})["licence_std"] == "dmw045lb"
    assert city_key("Bombay") == city_key("Mumbai") == "mumbai"
    assert city_key("Kathmandu-32") == city_key("KTM") == city_key("काठमाडौं") == "kathmandu"
    assert city_key("Ho Chi Minh City") == city_key("TP. Hồ Chí Minh") == city_key("Saigon")


# ------------------------------------------------------------------------------------------ the model


def test_the_model_is_a_versioned_file_with_its_provenance(tmp_path) -> None:
    path = latest_model_path()
    assert path.name == "model-v5.json" and model_versions()[0][0] == 1 and model_versions()[-1][0] == 5
    model = json.loads(path.read_text(encoding="utf-8"))
    assert model["link_type"] == "dedupe_only"
    assert {c["output_column_name"] for c in model["comparisons"]} == {
        "name",
        "licence",
        "phone",
        "city",
        "address",
        "country",
    }
    assert model[META_KEY]["trained_on_records"] > 10_000 and model[META_KEY]["version"] == "model-v5"
    assert next_model_path(tmp_path).name == "model-v1.json"
    (tmp_path / "model-v1.json").write_text("{}")
    (tmp_path / "model-v7.json").write_text("{}")
    assert next_model_path(tmp_path).name == "model-v8.json"
    # the prior shrinks as the data grows
    assert (
        load_model(path, 100_000)["probability_two_random_records_match"]
        < load_model(path, 10_000)["probability_two_random_records_match"]
    )
    assert META_KEY not in load_model(path, 5000)


def test_linkage_on_generated_records_beats_the_baseline_with_high_f1() -> None:
    records = list(generate_registry(1000, seed=12, job_orders=False).records())
    assert len(records) > 3000
    result = predict(records, threshold=0.5)
    assert result.compared > len(records) and result.model_version == "model-v5"
    truth = {r["unique_id"]: r["cluster_id"] for r in records}
    scores = evaluate(truth, cluster(truth, result.pairs, 0.9))
    baseline = evaluate(truth, baseline_clusters(records))
    assert scores.f1 >= 0.9, scores
    assert scores.f1 > baseline.f1 + 0.1
    detail = result.pairs[0].detail
    assert (
        set(detail) == {"name", "licence", "phone", "city", "address", "country"}
        and "level" in detail["name"]
    )


def test_training_writes_a_model_that_predicts(tmp_path) -> None:
    records = list(iter_linkage_records(1000, seed=31))
    out = tmp_path / "model-v2.json"
    train_model(records, out, max_pairs=1e5, note="test")
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved[META_KEY]["trained_on_records"] == 1000 and saved[META_KEY]["version"] == "model-v2"
    levels = saved["comparisons"][0]["comparison_levels"]
    assert any(lv.get("m_probability") for lv in levels) and any(lv.get("u_probability") for lv in levels)
    assert predict(records[:500], out).model_version == "model-v2"


def test_cluster_and_evaluate() -> None:
    from fairrecruit.registry.linkage import Pair

    pairs = [Pair(1, 2, 0.999, 10), Pair(2, 3, 0.7, 1), Pair(4, 5, 0.95, 4)]
    assert cluster([1, 2, 3, 4, 5], pairs, 0.9) == {1: 1, 2: 1, 3: 3, 4: 4, 5: 4}
    assert cluster([1, 2, 3], pairs, 0.5, forbidden={frozenset((1, 2))}) == {1: 1, 2: 2, 3: 2}
    s = evaluate({1: "a", 2: "a", 3: "a", 4: "b"}, {1: 1, 2: 1, 3: 3, 4: 1})
    assert (s.true_pairs, s.predicted_pairs, s.correct_pairs) == (3, 3, 1)


# ------------------------------------------------------------------------------------------ database


@pytest.fixture
def linked(db):
    load_into_db(generate_registry(50, seed=21))
    run = run_linkage()
    return run


def test_run_merges_clear_pairs_queues_uncertain_ones_and_is_idempotent(linked) -> None:
    run = linked
    assert run.records == Actor.objects.exclude(kind="regulator").count()
    assert run.pairs_compared > run.pairs_scored > 0 and run.model_version == "model-v5"
    assert run.auto_merged > 0 and run.queued > 0
    pending = LinkCandidate.objects.filter(status="pending")
    assert pending.count() == run.queued
    assert all(0.5 <= c.probability < 0.99 for c in pending)
    auto = LinkCandidate.objects.filter(status="auto_merged")
    assert auto.count() == run.auto_merged == Actor.objects.filter(merged_into__isnull=False).count()
    assert all(c.probability >= 0.99 for c in auto if "via" not in c.detail)
    assert AuditEvent.objects.filter(action="actor.merge").count() == run.auto_merged
    merge_events = {e.target_id: e for e in AuditEvent.objects.filter(action="actor.merge")}
    for c in auto:  # written in bulk (actors_merge): each merge still has its ids, its event and its candidate
        merged = Actor.objects.select_related("merged_into").get(pk=c.detail["merged_actor"])
        assert merged.merged_into_id == c.detail["survivor_actor"]
        new = merge_events[str(merged.pk)].new
        assert new["candidate"] == c.pk and new["merged"] == merged.identifier
        assert new["survivor"] == merged.merged_into.identifier and new["probability"] == c.probability
    for merged in Actor.objects.filter(merged_into__isnull=False).select_related("merged_into"):
        if merged.licences.exists():  # the record holding a licence survives
            assert merged.merged_into.licences.exists()
    events, candidates = AuditEvent.objects.count(), LinkCandidate.objects.count()
    again = run_linkage()
    assert again.auto_merged == 0 and again.queued == 0
    assert AuditEvent.objects.count() == events and LinkCandidate.objects.count() == candidates


def test_confirm_merges_with_an_audit_event_and_undo_restores(linked) -> None:
    reviewer = User.objects.create_user("reviewer")
    cand = LinkCandidate.objects.filter(status="pending").order_by("-probability").first()
    link_candidate_decide(actor_user=reviewer, candidate=cand, same=True)
    cand.refresh_from_db()
    assert cand.status == "confirmed" and cand.decided_by == reviewer and cand.decided_at
    merged = Actor.objects.get(pk=cand.detail["merged_actor"])
    assert merged.merged_into_id == cand.detail["survivor_actor"]
    event = AuditEvent.objects.filter(action="actor.merge", target_id=str(merged.pk)).latest("id")
    assert event.actor_label == "reviewer" and event.old == {"merged_into": None}
    assert event.new["merged_into"] == merged.merged_into_id and event.new["candidate"] == cand.pk
    assert AuditEvent.objects.filter(action="link_candidate.decide", target_id=str(cand.pk)).exists()
    with pytest.raises(ValueError):
        link_candidate_decide(actor_user=reviewer, candidate=cand, same=False)

    actor_unmerge(actor_user=reviewer, merged=merged)
    merged.refresh_from_db()
    cand.refresh_from_db()
    assert merged.merged_into_id is None and cand.status == "rejected"
    undo = AuditEvent.objects.filter(action="actor.unmerge", target_id=str(merged.pk)).get()
    assert undo.old == {"merged_into": cand.detail["survivor_actor"]} and undo.new["merged_into"] is None
    run_linkage()  # a person said no: linkage does not merge or queue them again
    merged.refresh_from_db()
    assert merged.merged_into_id is None
    assert LinkCandidate.objects.filter(left=cand.left, right=cand.right).count() == 1


def test_reject_and_undo_of_automatic_merges(linked) -> None:
    cand = LinkCandidate.objects.filter(status="pending").first()
    link_candidate_decide(actor_user=None, candidate=cand, same=False)
    cand.refresh_from_db()
    assert cand.status == "rejected"
    assert not Actor.objects.filter(pk__in=[cand.left_id, cand.right_id], merged_into__isnull=False).exists()
    auto = LinkCandidate.objects.filter(status="auto_merged").first()
    merged = Actor.objects.get(pk=auto.detail["merged_actor"])
    actor_unmerge(actor_user=None, merged=merged)
    auto.refresh_from_db()
    assert auto.status == "rejected"
    again = run_linkage()
    assert again.auto_merged == 0 and again.queued == 0
    assert Actor.objects.get(pk=merged.pk).merged_into_id is None


def test_merge_rules(db) -> None:
    load_into_db(generate_registry(5, seed=1, duplicate_rate=0))
    a, b, c = Actor.objects.exclude(kind="regulator")[:3]
    with pytest.raises(ValueError):
        actor_merge(actor_user=None, survivor=a, merged=a)
    actor_merge(actor_user=None, survivor=a, merged=b)
    with pytest.raises(ValueError):
        actor_merge(actor_user=None, survivor=c, merged=b)  # already merged
    with pytest.raises(ValueError):
        actor_merge(actor_user=None, survivor=b, merged=a)  # a loop
    with pytest.raises(ValueError):
        actor_unmerge(actor_user=None, merged=c)  # not merged
    with pytest.raises(ValueError, match="loop"):  # a loop within one batch: nothing of the batch is written
        actors_merge(actor_user=None, merges=[(c.pk, a.pk, None), (a.pk, c.pk, None)])
    assert not Actor.objects.filter(pk__in=[a.pk, c.pk], merged_into__isnull=False).exists()
    actor_unmerge(actor_user=None, merged=b)  # a manual merge undone: remembered as different
    assert LinkCandidate.objects.get().status == "rejected"


def test_dry_run_changes_nothing(db) -> None:
    load_into_db(generate_registry(40, seed=8))
    events = AuditEvent.objects.count()
    run = run_linkage(dry_run=True)
    assert run.dry_run and (run.auto_merged or run.queued)
    assert not LinkCandidate.objects.exists() and not Actor.objects.filter(merged_into__isnull=False).exists()
    assert AuditEvent.objects.count() == events
    with pytest.raises(ValueError):
        run_linkage(threshold_auto=0.4, threshold_review=0.6)


# ------------------------------------------------------------------------------------------ pages


def _member(username: str, role: str, country: str = "") -> User:
    user = User.objects.create_user(username, password="pw")
    org = organisation_create(
        actor=None,
        name=f"{username} org",
        kind="regulator" if role == Role.REGULATOR else "platform",
        country=country,
    )
    membership_grant(actor=None, user=user, organisation=org, role=role)
    return user


def test_review_pages_need_login_and_the_right_role(linked) -> None:
    client = Client()
    for url in ("/registry/review/", "/registry/review/merged/"):
        resp = client.get(url)
        assert resp.status_code == 302 and resp["Location"].startswith(settings.LOGIN_URL)
    cand = LinkCandidate.objects.filter(status="pending").first()
    resp = client.post(f"/registry/review/{cand.pk}/decide/", {"decision": "same"})
    assert resp.status_code == 302 and resp["Location"].startswith(settings.LOGIN_URL)
    User.objects.create_user("nobody", password="pw")
    client.login(username="nobody", password="pw")
    assert client.get("/registry/review/").status_code == 403
    assert client.post(f"/registry/review/{cand.pk}/decide/", {"decision": "same"}).status_code == 403
    _member("employer", Role.EMPLOYER)
    client.login(username="employer", password="pw")
    assert client.get("/registry/review/merged/").status_code == 403
    cand.refresh_from_db()
    assert cand.status == "pending"


def test_staff_review_side_by_side_and_decide(linked) -> None:
    _member("ops", Role.STAFF)
    client = Client()
    client.login(username="ops", password="pw")
    resp = client.get("/registry/review/")
    assert resp.status_code == 200
    page = resp.content.decode()
    first = LinkCandidate.objects.filter(status="pending").order_by("-probability", "id").first()
    assert first.left.name.replace("&", "&amp;") in page and first.right.name.replace("&", "&amp;") in page
    assert "Match probability" in page and "csrfmiddlewaretoken" in page and "Licence number" in page
    resp = client.post(f"/registry/review/{first.pk}/decide/", {"decision": "same"})
    assert resp.status_code == 302
    first.refresh_from_db()
    assert first.status == "confirmed"
    second = LinkCandidate.objects.filter(status="pending").first()
    client.post(f"/registry/review/{second.pk}/decide/", {"decision": "different"})
    second.refresh_from_db()
    assert second.status == "rejected"
    assert client.get(f"/registry/review/{second.pk}/decide/").status_code == 405

    merged = Actor.objects.get(pk=first.detail["merged_actor"])
    resp = client.get("/registry/review/merged/")
    assert resp.status_code == 200 and f"merged-{merged.pk}" in resp.content.decode()
    resp = client.post(f"/registry/review/merged/{merged.pk}/undo/", follow=True)
    assert resp.status_code == 200 and "Undone" in resp.content.decode()
    merged.refresh_from_db()
    assert merged.merged_into_id is None
    assert AuditEvent.objects.filter(action="actor.unmerge", actor_label="ops").exists()


def test_forms_carry_csrf_protection(linked) -> None:
    _member("ops2", Role.STAFF)
    client = Client(enforce_csrf_checks=True)
    client.login(username="ops2", password="pw")
    cand = LinkCandidate.objects.filter(status="pending").first()
    assert client.post(f"/registry/review/{cand.pk}/decide/", {"decision": "same"}).status_code == 403


def test_regulators_review_their_country_only(linked) -> None:
    country = LinkCandidate.objects.filter(status="pending").values_list("left__country", flat=True).first()
    other = (
        LinkCandidate.objects.filter(status="pending")
        .exclude(left__country=country)
        .exclude(right__country=country)
        .first()
    )
    _member("dofe", Role.REGULATOR, country=country)
    client = Client()
    client.login(username="dofe", password="pw")
    resp = client.get("/registry/review/")
    assert resp.status_code == 200 and country in resp.content.decode()
    if other is not None:
        assert client.post(f"/registry/review/{other.pk}/decide/", {"decision": "same"}).status_code == 404


# ------------------------------------------------------------------------------------------ commands


def test_link_command_reports_counts(db) -> None:
    load_into_db(generate_registry(30, seed=4))
    out, err = StringIO(), StringIO()
    call_command("link", "--dry-run", stdout=out, stderr=err)
    assert "dry run" in out.getvalue() and "pairs compared" in out.getvalue() and "model-v5" in out.getvalue()
    assert "[link]" in err.getvalue()
    assert not LinkCandidate.objects.exists()
    call_command("link", "--threshold-auto", "0.995", "--threshold-review", "0.6", stdout=out, stderr=err)
    assert all(0.6 <= c.probability for c in LinkCandidate.objects.filter(status="pending"))


def test_link_train_dry_run_trains_a_scratch_model(db) -> None:
    load_into_db(generate_registry(25, seed=14))
    before = model_versions()
    out = StringIO()
    call_command("link", "--train", "--dry-run", stdout=out, stderr=StringIO())
    assert "model-v6" in out.getvalue() and "dry run" in out.getvalue()
    assert model_versions() == before and not LinkCandidate.objects.exists()


def test_registry_demo_is_idempotent(db) -> None:
    out = StringIO()
    call_command("registry_demo", "--agencies", "40", "--seed", "6", stdout=out)
    first = out.getvalue()
    assert "linkage:" in first and Actor.objects.filter(kind="licensed_agency").count() >= 40
    state = (Actor.objects.count(), LinkCandidate.objects.count(), AuditEvent.objects.count())
    out = StringIO()
    call_command("registry_demo", "--agencies", "40", "--seed", "6", stdout=out)
    assert "actors +0" in out.getvalue() and "0 merged, 0 queued" in out.getvalue()
    assert (Actor.objects.count(), LinkCandidate.objects.count(), AuditEvent.objects.count()) == state
