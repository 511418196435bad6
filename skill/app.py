"""The one place where handlers, interceptors and the store are wired into a skill.

Both entries (``skill/web.py`` for Flask, ``skill/lambda_function.py`` for AWS Lambda) and the
local tools call :func:`build_skill_builder`; none of them holds conversation logic.
"""

from __future__ import annotations

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.content import catalogue, compiled_in_use, geometry
from skill.display import ScreenInterceptor, TouchInterceptor
from skill.handlers import ask, follow, routine, safety, session, system
from skill.handlers.base import Handler, intents_of

BUILT_IN_YES_NO = ("AMAZON.YesIntent", "AMAZON.NoIntent")


def request_handlers() -> tuple[Handler, ...]:
    """Every request handler, in dispatch order. No two accept the same request (tested)."""
    staged: tuple[Handler, ...] = (
        session.LaunchHandler(),
        *ask.HANDLERS,
        *safety.HANDLERS,
        *routine.HANDLERS,
        *follow.HANDLERS,
        session.AboutHandler(),
        session.HelpHandler(),
        session.StopHandler(),
        session.SessionEndedHandler(),
    )
    complements: tuple[Handler, ...] = (
        # A yes, a no, or "it's better" with no question pending that they answer.
        session.StrayYesNoHandler((*BUILT_IN_YES_NO, *follow.CHANGE_INTENT_NAMES), staged),
        session.FallbackHandler(("AMAZON.FallbackIntent",), staged),
    )
    handled = (*staged, *complements)
    spoken = (*handled, session.UnknownIntentHandler(intents_of(handled)))
    # Requests that are not a spoken turn: name-free questions, screen events, system events.
    return (*spoken, *system.handlers(spoken))


def handled_intents() -> set[str]:
    """The intents the skill handles: the interaction model must declare exactly these."""
    return intents_of(request_handlers())


def build_skill_builder(
    persistence_adapter: AbstractPersistenceAdapter | None = None,
    skill_id: str | None = None,
    screens: bool = True,
) -> CustomSkillBuilder:
    """The skill; ``screens=False`` leaves out screens and touch (what a test compares with)."""
    catalogue()  # load and validate content now, not on the first request
    sb = CustomSkillBuilder(persistence_adapter=persistence_adapter)  # type: ignore[arg-type]
    sb.skill_id = skill_id  # type: ignore[assignment]
    for handler in request_handlers():
        sb.add_request_handler(handler)
    sb.add_exception_handler(session.ErrorHandler())
    if screens:
        if not compiled_in_use():
            geometry()  # read from YAML: check it now, not on the first screen
        sb.add_global_request_interceptor(TouchInterceptor())  # touch buttons → the voice intents
        sb.add_global_response_interceptor(ScreenInterceptor())  # APL screens and cards
    return sb


def build_skill(
    persistence_adapter: AbstractPersistenceAdapter | None = None,
    skill_id: str | None = None,
) -> CustomSkill:
    skill: CustomSkill = build_skill_builder(persistence_adapter, skill_id).create()
    return skill
