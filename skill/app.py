"""The one place where handlers, interceptors and the store are wired into a skill.

Both entries (``skill/web.py`` for Flask, ``skill/lambda_function.py`` for AWS Lambda) and the
local tools call :func:`build_skill_builder`; none of them holds conversation logic.
"""

from __future__ import annotations

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response


def _launch(handler_input: HandlerInput) -> Response:
    # Placeholder until the conversation handlers land.
    return handler_input.response_builder.speak("Welcome to Trigger Point Coach.").ask(
        "Where does it hurt?"
    ).response


def build_skill_builder(
    persistence_adapter: AbstractPersistenceAdapter | None = None,
    skill_id: str | None = None,
) -> CustomSkillBuilder:
    sb = CustomSkillBuilder(persistence_adapter=persistence_adapter)
    sb.skill_id = skill_id
    sb.request_handler(can_handle_func=is_request_type("LaunchRequest"))(_launch)
    return sb


def build_skill(
    persistence_adapter: AbstractPersistenceAdapter | None = None,
    skill_id: str | None = None,
) -> CustomSkill:
    return sb_create(build_skill_builder(persistence_adapter, skill_id))


def sb_create(sb: CustomSkillBuilder) -> CustomSkill:
    skill: CustomSkill = sb.create()
    return skill
