"""The skill manifest (skill.json) and the ASK CLI's project file (ask-resources.json)."""

from __future__ import annotations

import copy
from pathlib import Path

from skill.content import LOCALES
from tpcoach.model.language import (
    CATEGORY,
    COUNTRIES,
    INVOCATION_NAME,
    MEDICAL_DISCLAIMER,
    SKILL_NAME,
    Json,
)

EXAMPLE_PHRASES = (
    f"Alexa, open {INVOCATION_NAME}",
    f"Alexa, ask {INVOCATION_NAME} why the outside of my knee hurts",
    f"Alexa, ask {INVOCATION_NAME} how do I roll out my calf",
    f"Alexa, tell {INVOCATION_NAME} I think I have shin splints",
)
SUMMARY = (
    "Which muscles often cause a runner's pain, and a guided lacrosse ball or foam roller "
    "release, one spoken step at a time."
)
DESCRIPTION = (
    "Trigger Point Coach is for runners with a nagging ache. Tell it where it hurts, like the "
    "outside of your knee, your heel or your groin, or name what you've been told you have, "
    "like shin splints or IT band syndrome. It tells you which muscles often send pain to "
    "that spot, then coaches you through a release with a lacrosse ball or a foam roller: "
    "what to fetch, where to place it, how long to hold, one step at a time. Say next, repeat, "
    "go back or pause at any step; it keeps your place for next time.\n\n"
    "Before your first routine it asks a short safety question, and it will not coach pressure "
    "when you mention swelling, numbness, a fall or a pop; it tells you who to see instead.\n\n"
    f"This skill gives general coaching only. It is {MEDICAL_DISCLAIMER}, diagnosis or "
    "treatment, and it does not diagnose you. If you have severe, constant or worsening pain, "
    "see a doctor or physical therapist."
)
KEYWORDS = (
    "running",
    "runners",
    "trigger point",
    "trigger points",
    "foam roller",
    "lacrosse ball",
    "self massage",
    "myofascial release",
    "knee pain",
    "IT band",
    "shin splints",
    "calf",
    "hip pain",
    "recovery",
)
TESTING_INSTRUCTIONS = (
    "No account linking and no device permissions. Say: open trigger point coach, then: the "
    "outside of my knee. Answer yes to the routine offer, no to the safety question, ready, "
    "then next at each step. Say yes to the safety question to hear advice instead of a "
    "routine. Data kept: the routine step reached and the safety question's answer, stored "
    "against the Alexa user id only, so that a routine can be resumed; nothing else."
)


def endpoint(uri: str, certificate: str = "Trusted") -> Json:
    """``apis.custom.endpoint`` for a deployment: a Lambda ARN, or an https URL with the type of
    its certificate (Trusted, Wildcard or SelfSigned)."""
    if uri.startswith("arn:"):
        return {"uri": uri}
    if uri.startswith("https://"):
        return {"uri": uri, "sslCertificateType": certificate}
    raise ValueError(f"an endpoint is a Lambda ARN or an https:// URL, not {uri!r}")


def manifest(custom_endpoint: Json | None = None) -> Json:
    """The manifest. With no endpoint (as committed), the custom interface is empty, as ASK CLI v2
    projects ship it; ``tpcoach build-model --endpoint`` fills it in for a deployment."""
    locale_info = {
        "name": SKILL_NAME,
        "summary": SUMMARY,
        "description": DESCRIPTION,
        "examplePhrases": list(EXAMPLE_PHRASES),
        "keywords": list(KEYWORDS),
        # Local assets of the skill package (ASK CLI v2): interaction_model/assets/images,
        # drawn from the same outline as the screens by `tpcoach gallery --icons`.
        "smallIconUri": "file://assets/images/smallIcon-108.png",
        "largeIconUri": "file://assets/images/largeIcon-512.png",
    }
    # Screens (skill/screens.py): APL on Echo Show sizes, the round Spot, and Fire TV.
    apl_interface = {
        "type": "ALEXA_PRESENTATION_APL",
        "supportedViewports": [
            {
                "mode": "HUB",
                "shape": "ROUND",
                "minWidth": 480,
                "maxWidth": 480,
                "minHeight": 480,
                "maxHeight": 480,
            },
            {
                "mode": "HUB",
                "shape": "RECTANGLE",
                "minWidth": 960,
                "maxWidth": 1279,
                "minHeight": 480,
                "maxHeight": 599,
            },
            {
                "mode": "HUB",
                "shape": "RECTANGLE",
                "minWidth": 1280,
                "maxWidth": 1920,
                "minHeight": 600,
                "maxHeight": 1279,
            },
            {
                "mode": "TV",
                "shape": "RECTANGLE",
                "minWidth": 960,
                "maxWidth": 960,
                "minHeight": 540,
                "maxHeight": 540,
            },
        ],
    }
    # Name-free interaction: skill/handlers/system.py answers canFulfillIntent.
    custom: Json = {"interfaces": [apl_interface, {"type": "CAN_FULFILL_INTENT_REQUEST"}]}
    if custom_endpoint:
        custom["endpoint"] = custom_endpoint
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": {locale: copy.deepcopy(locale_info) for locale in LOCALES},
                "category": CATEGORY,
                "distributionCountries": list(COUNTRIES),
                "isAvailableWorldwide": False,
                "testingInstructions": TESTING_INSTRUCTIONS,
            },
            "privacyAndCompliance": {
                "allowsPurchases": False,
                "usesPersonalInfo": False,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                "usesHealthInfo": False,
            },
            "apis": {"custom": custom},
        }
    }


def ask_resources(package: Path) -> Json:
    """ASK CLI v2 project file: the skill package only. No ``code`` or ``skillInfrastructure``:
    the code is deployed by whichever route the deployer picks (docs/hosting.md), and its
    endpoint written into skill.json by ``tpcoach build-model --endpoint``
    (docs/interaction-model.md)."""
    return {
        "askcliResourcesVersion": "2020-03-31",
        "profiles": {"default": {"skillMetadata": {"src": f"./{package.name}"}}},
    }
