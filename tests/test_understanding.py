"""A fixed slice of the understanding corpus's development half, as regression tests.

The corpus (benchmarks/understanding/dev.yaml) was written by people who saw only the medical
mapping, never the model. Every red-flag sentence of the development half is here, because a red
flag must reach the skill whatever its wording, and so is every fifth other sentence that the
skill understands today: a change that loses one of them fails here. The sentences are said
through tpcoach/nlu.py, at their point of the conversation, and judged by the benchmark's own
judge (on the state the skill keeps, never on wording). The test half is never read here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.understanding import judge, load, run_nlu

ROOT = Path(__file__).resolve().parent.parent
DEV = load("dev")
RED_FLAGS = [e for e in DEV if e["category"] == "red-flag"]
# Every fifth other entry, by its place in the file: a slice fixed by position, not chosen by
# outcome. The ones listed in KNOWN_GAPS are not understood yet (the benchmark prints them).
OTHERS = [e for i, e in enumerate(DEV) if e["category"] != "red-flag" and i % 5 == 0]
# Not understood yet (the benchmark prints them); each is expected to fail, so one that starts
# passing fails here until it leaves the list.
KNOWN_GAPS = {
    "how does pressing on my calf help my heel",
    "how long till I notice a difference",
}


# The third to seventh red-flag sets (benchmarks/understanding/redflags3.yaml ...
# redflags7.yaml), each written blind and run once blind (signs and look-alikes: redflags3 84%
# and 62%, redflags4 85% and 70%, redflags5 95% and 84% through virtual-alexa; redflags6 87% and
# 70%, redflags7 92% and 88% through tpcoach/nlu.py), then tuned on: every entry but the known
# gaps is kept here, signs and look-alikes alike.
RED_FLAG_SETS = {
    "redflags3": (240, set()),
    "redflags4": (300, set()),
    "redflags5": (300, set()),
    "redflags6": (
        299,
        {
            # the pop was the knuckles, said after it
            "pop i heard only from my knuckles while cracking them no pain nothing leg is fine",
        },
    ),
    "redflags7": (
        299,
        {
            # quads "like concrete" after an ultra: "they" are the quads, so no one else's
            "my quads are trashed from the hundred miler they feel like concrete but that's just"
            " normal post race stuff",
        },
    ),
    "redflags9": (300, set()),
    "redflags11": (300, set()),
    "redflags12": (
        294,
        {
            # look-alikes heard as the sign, which errs toward advice: each would need a
            # look-alike whose first word costs an intent ("mouth", "tripped") or that starts
            # with a carrier ("what counts as swollen"), or names the sign alone ("red, only
            # my shirt", "that's the only snap", "the tingling was my phone")
            "red, only my shirt is red haha, no nothing like that",
            "my shoelace snapped mid run, that's the only snap, nothing in the leg",
            "not swollen, i just had a cold drink and my mouth is numb from the ice lol",
            "i'm not sure what counts as swollen but it looks the same as the other side, so"
            " probably no",
            "the tingling was my phone buzzing in my pocket, sorry, but no",
            "so i tripped over my shoelace but didn't fall, caught myself, and now my groin"
            " feels pulled",
        },
    ),
    "redflags10": (
        297,
        {
            # "pinsan" is speech-to-text's "pins and"
            "pinsan needles in both feet since yesterday and my legs feel like jelly",
            # both feet hot or cold from the weather or a run: heard as the sign, which errs
            # toward advice
            "my feet feel hot after the run that is normal right they are not red or swollen",
            "i wore my new runners in the snow and my feet got cold but they're warm now just"
            " the arch aches",
        },
    ),
    "redflags13": (
        297,
        {
            # numbness or buzzing with a cause that passed: heard as the nerve sign, which errs
            # toward advice (numbness is never explained away; under the ball it means stop)
            "bottom it was numb for a sec from my tight laces but fine once i loosened them",
            "okay ready foot fell asleep sitting cross legged but it's back to normal",
            "little buzzy from the ball pressure but it goes away the second i lift off",
        },
    ),
    "redflags14": (
        292,
        {
            # a cause said seven words before the redness: every word between counts, so it
            # is too far off to explain the sign, which errs toward advice
            "next heat pack was on before so it is a bit red",
            "go on then bit sunburnt from the weekend so it's a bit red",
            # a cause said after a "but" that does not go on to explain ("but I just had it in
            # a hot bath"): the heat may have been elsewhere, so the sign stands
            "front i guess it's warm but i just had it in a hot bath",
            "warm yeah but i've just got out of a hot shower otherwise no",
            # someone else's clot said first: Alexa drops the first word ("wife"), so the clot
            # is heard as the runner's
            "wife had a blood clot last year so i worry but mine's just the usual tight calf"
            " from hockey and running",
            # asking what to do if numbness comes: heard as the nerve sign, which errs toward
            # advice (under the ball, numbness means stop)
            "alright what if it goes numb while i'm rolling it",
            "ready what if my foot goes numb halfway",
            "next what if it goes numb while i'm lying on it",
        },
    ),
    "redflags16": (
        287,
        {
            # a swollen calf said as past and healed: a clot is never put in the past, which
            # errs toward advice
            "my calf was swollen last summer after i rolled my ankle but that's long gone it's"
            " just a knot in the back of it now",
            "my calf was swollen last year but that is fully cured now only tightness is there"
            " in the back",
            # look-alikes heard as the sign, which errs toward advice: a first word that would
            # cost an intent ("kicked"), or the sign's words with no look-alike of their own
            # ("numb round here is my brain", "going numb looking at", "crack sound but that
            # was my knuckles", "tripped over the dog's leash ... didn't fall")
            "kicked the footy round with the kids and now me right hammy's tight",
            "the only thing numb round here is my brain after work so no",
            "i am going numb looking at the numbers on my strava but anyway my outer knee is"
            " paining",
            "i heard a small crack sound but that was my knuckles only go on",
            "i tripped over the dog's leash yesterday but didn't fall or anything and anyway"
            " it's my calf that's been tight all week",
            # a place said with a word that is also a place of its own ("feet", "foot"): a fair
            # question
            "the front where my hip flexor is i think and there's no swelling",
            "it's minus thirty out and my feet were freezing on my run but they're fine now"
            " it's my arch that hurts",
            # a tool other than the one in use is a switch, also in passing ("the foam roller
            # clicking"); the inner-shin muscle has no roller routine, which is said
            "ooh that popped but it was the foam roller clicking on the laminate not me carry on",
            "can i use the foam roller instead i've lost me lacrosse ball",
            # "done for today" closes the session at the other side: a goodbye, not a no
            "no i'm done for today thanks",
            # "the other muscles it could be" is not yet heard as "more"
            "tell me more about the other muscles it could be",
        },
    ),
    "redflags17": (
        294,
        {
            # a command said before or after words about the step: the place is kept and the
            # commands are said again, but the "next" is not taken
            "ooh i felt the knot let go there, lovely, next",
            "next, the ball just shot out from under me and hit the wall, lol",
            # a "no" with a place word after it at the other side ("dead on my feet")
            "no thanks, i'm absolutely dead on my feet",
            # a muscle said with a place idiom ("a pain in the backside"): the place is answered
            "my piriformis, it's been a pain in the backside since i upped my mileage",
            # "will it fix it" / "wasting my time": each first word would cost an intent
            "will rolling actually fix it or am i wasting my time",
            # starting from the beginning on another day asks the screen first, as every
            # routine session does
            "nah, start from the beginning",
        },
    ),
    "redflags18": (
        285,
        {
            # look-alikes heard as the sign, which errs toward advice: "feeling blue" said
            # first would cost an intent; tingling is never put in the past (a swelling
            # from a bite is a look-alike)
            "feeling little bit blue because bottom of my heel is paining every morning when i"
            " get up",
            "yes please and by the way the tingling i had last month is fully gone now",
            # a condition said as past, then a place: the condition is answered
            "had plantar fasciitis last year and it cleared up but now it's me groin that's sore",
            # mid-routine, a command after words about the ball, the knot or the feel: the place
            # is kept, the commands are said again; a stray "go on" keeps the step
            "okay this ball is very cold actually from the balcony next step please",
            "blimey that's tender like a proper knot but in a good way carry on",
            "that's a bit spicy mate but no pins and needles or anything go on",
            # a place ("bum") or the other tool ("the roller") said in passing mid-routine
            "ball rolled away and i fell on my bum laughing wait one minute",
            "hold up my dog's sitting on the roller give me a sec",
            # starting from the beginning on another day asks the screen first
            "nah let's just start over from the top",
            # the other tool at a resume; a "yeah" said last is taken as a filler
            "reckon i'd rather use the foam roller this time",
            "it was freezing at the cottage so i stopped but i'm warm now so yeah",
            # "pop upstairs for the ball" at the fetch: take your time, which waits as a pause does
            "one sec i need to pop upstairs for the ball",
            # a side said as fine, a place with "mate" inside it, "other than the calf"
            "my left's totally fine i'm gonna call it",
            "the front mate where me hip flexors are tight",
            "what else could it be other than the calf",
        },
    ),
    "redflags19": (
        296,
        {
            # a year said with "back in" names the back of the place; the answer is a question
            "broke me ankle back in 2010, all healed, but now me shin's sore on the inside",
            # a "no" said with a look-alike and a place at the screen: the screen is asked again
            "no, I'm out of breath from running up from the basement with the roller, that's all",
            # "pause" at the fetch prompt: take your time, which waits as a pause does
            "hang on, let me find the ball, pause",
            # starting from the beginning on another day asks the screen first
            "nah, start over from the beginning",
        },
    ),
    "redflags20": (
        289,
        {
            # a name said first ("Priya here"): neither a carrier nor a lead, so Alexa sends no
            # words (a lead for every first name cannot be had)
            "Priya here, calf is paining and swelling is there on one side only, doctor told I"
            " had a clot before",
            "Bondi to Bronte this morning and now the inside of me knee's sore",
            # look-alikes heard as the sign, which errs toward advice: the sign's own word said
            # again after "the only thing" ("the only thing that's red", "the only red thing")
            "no, none of those, the only red thing here is my Raptors jersey",
            # someone else's injury, then the runner's place: the injury's place is answered too
            "my buddy tore his achilles last month but mine's fine, it's the front of my shin"
            " that aches",
            # a tool named with a command mid-routine, "pause" at the fetch, starting over on
            # another day (the screen first), a condition named with "start over", a goodbye
            "righto next one mate, the blue roller's doing the job",
            "wait a minute my phone just popped up with a text",
            "hang on, let me grab the ball from the kids' room",
            "nah, start from the beginning mate",
            "start over, my mate's got shin splints and wants to watch how it's done",
            "nah I'm done, it's stinking hot in here",
        },
    ),
    "redflags21": (
        235,
        {
            # look-alikes heard as the sign, which errs toward advice: the sign's own word after
            # "the only thing", a limb asleep from sitting on it ("foot" would start a lead of
            # its own), a kick taken back ("kidding"), a broken heart ("heart" would too)
            "ready, the only thing that popped was my can of pop, ha",
            "next. My foot fell asleep cause I was sitting on it funny, shook it out, it's fine"
            " now",
            "next, that felt like I got kicked by a moose \u2014 kidding, it's just a deep one,"
            " it's fine",
            "next, me heart's broken cause the Dockers lost, but the calf's alright",
            # mid-routine, a next said with the ball's mark: not the next step
            "next, my leg's gone a bit pink where the ball was, like a mark off a watch strap,"
            " nothing else",
        },
    ),
    "redflags22": (
        233,
        {
            # an injury put in the past, then the place with its part: the place is asked again
            "I broke my ankle in like eighth grade, totally healed, but now the outside of my"
            " ankle is just tight after trail runs",
            # mid-routine, a command with words about a pet, the kitchen, sweat, a click that is
            # nothing new or a feel like bubble wrap: the stop rule and the commands again, or a
            # question about the place, the step kept
            "hang on a sec, my dog just stole the lacrosse ball, gimme a minute",
            "next, dude this is the good hurt, like popping bubble wrap in my calf",
            "wait wait, pause, the milk is boiling over in the kitchen, I will come back",
            "next, I'm sweating like crazy but that's cause I ran here, not the roller",
            # the other tool named with "go again": the routine on the roller
            "go again with that one mate, I was laughing at the cat trying to attack the roller",
            # cold toes with a cause after a "but": heard as the sign, which errs toward advice
            "next one, my toes are a bit cold but I've just come in from the rain with no socks,"
            " so",
        },
    ),
    "redflags23": (
        226,
        {
            # cold and soaked after a run, or numb feet at an old winter race: heard as the sign,
            # which errs toward advice
            "I'm cold and soaked from the run but it's the bottom of my heel that's sore",
            "no, my feet went numb in the cold at a winter race once but that's long gone",
            # sweat like a fever "from this room", and a hot burn "the good kind" mid-routine:
            # advice
            "I am sweating like I have fever but that is just this room, please say that again",
            "that's hot and burning in the muscle, the good kind, keep going",
            # mid-routine, a knot that cracks, dust under the sofa, a knee that cracks like a
            # knuckle, "dead beat": the stop rule and the commands again, or a question about
            # the place, the step kept
            "ooh that's a good hurt, feels like the knot's cracking open, go on to the next step",
            "the ball rolled under the sofa and it's dead dusty under there, give me a minute",
            "my knee cracked like a knuckle when I knelt, it always does that, carry on",
            "I'm dead beat, let's call it a night",
            # not about pressure: shoes to buy, "crack on", a cold ball heard as a wait, a resume
            # answered "no" with a start over, a physio question heard as the knee
            "can you order me new running shoes, mine have cracked soles",
            "runner's knee, the front of it, it moans whenever I crack on with the stairs",
            "hang on, my ball is stone cold from sitting in the car, give me a sec",
            "nah, start from scratch, I've forgotten the lot, brain's dead",
            "no, I broke my streak so I'd rather start over from the top",
            "is this even worth it, I've been rolling for weeks and my knee's still stiff, when"
            " should I see a physio",
        },
    ),
    "redflags24": (
        227,
        {
            # at ready: a wait, a question, the ball under a part of the calf: a question about the
            # place or the fetch again; blue toes from nail paint, cold coffee: advice
            "hold on, give me a minute to roll my leggings up past my knee",
            "what's a trigger point anyway, is that the knot in me calf",
            "ready, I've got the ball right under the meaty part of my calf",
            "ready, and yes my toes are blue, I let my kid paint my nails",
            "ready, my coffee's gone stone cold while I was hunting for the ball",
            # mid-routine, a pause or a next said after how a place feels: the stop rule, then the
            # place answered (no more pressure); a pair of torn track pants: advice
            "pause a minute, my hamstrings are a bit tired from holding",
            "okay, that's a deep ache in my glute, but the good kind, next",
            "next, I tore my track pants on the floor, never mind",
            # first sentences: shoes to buy, an old ankle, a brother's knee: heard as a place, no
            # pressure
            "the sole on my runner just snapped right off, can you tell me what shoes to buy",
            "I broke my ankle back in high school but it healed fine, it's my calf that's tight"
            " now",
            "me brother did his knee in skiing last year, mine's fine, I just want something for"
            " me IT band",
            # a no to the other side with dead legs: goodbye
            "no, me legs feel dead after the marathon, the good kind of dead, let's leave it there",
            # kilos lost on purpose: advice
            "yeah, oh and I've lost three kilos since I started training, which was the whole plan",
        },
    ),
    # held out until session 21 (measured blind: 93.9% of its signs), tuned on since
    "redflags25": (
        233,
        {
            # a start over said after the place: a question about the place; the other tool
            # named with the ready: its fetch
            "my hip's a bit stiffer today, let's start over from the beginning",
            "ok, got my roller, my quads are a bit sore from yesterday's tempo but I'm set",
            # a husband's achilles and a cousin's ankle: heard as places, no pressure
            "my husband tore his achilles last spring and now my own heel hurts on the bottom",
            "what if this does not help, my cousin had to go to physio for his broken ankle",
            # swelling long gone (swelling is never put in the past), a cracked phone, a
            # snapped glass: advice
            "no, there was some swelling back in March but it went down months ago",
            "yes, continue, my mobile fell and cracked but no problem",
            "ready, my cat just knocked a glass off the table and it snapped in two, anyway, ready",
        },
    ),
    # written blind in session 23 (first run: 90.0% of its signs, 2 with a pressure step)
    "redflags26": (
        236,
        {
            # a start over said with the glutes: a question about them
            "nah, let's start from scratch, it's been a week and the glutes have stiffened right"
            " up again",
            # a sign's word for something else (a chew toy, exam nerves, "hit by a bus"): heard
            # as the sign, which errs toward advice; a look-alike for each would start with a
            # word that costs an intent ("sorry", "pins", "feel")
            "yeah pick up there, and sorry about that snap, it was just the dog chomping his chew"
            " toy",
            "yes, continue, I am having pins and needles only about my exam results, not in the"
            " leg",
            "yeah nah, I'm buggered, feel like I've been hit by a bus after that session, I'll do"
            " it tomorrow",
        },
    ),
    "redflags27": (
        236,
        {
            # shoes "like bright electric blue", a cricket bat that cracked: heard as the sign,
            # which errs toward advice ("bright" and "my ... cracked" would cost intents)
            "got new shoes yesterday they're like bright electric blue which my kids love and my"
            " left arch is killing me in them",
            "my cricket bat cracked last week but not me no",
            # a mate's beer that "can wait" heard as a pause; "knocked ... over" as a repeat
            "yeah go the other side my mate's cold beer can wait",
            "the twins just knocked the lego tower over what a crash anyway next",
        },
    ),
    "redflags28": (
        231,
        {
            # "is it normal for the ball to hurt this much?" mid-routine: the stop rule, the step
            # kept, not the answer its writer meant
            "is it normal for the ball to hurt this much?",
            # a sign's word as a step command or as talk ("pop me back", "break time", "snap
            # back", "jammed", "shins are broken"): heard as the sign, which errs toward advice;
            # "break" and "snap" would each cost an intent
            "pop me back to the last step",
            "break time, pause it",
            "snap back to the very beginning",
            "my thigh front side is feeling jammed and tight",
            "my shins are broken after the long run, ha, the front bits",
            # "let's kick off" at the fetch, a start over said as a no to the resume, a no at the
            # other side said with "enough for today": heard otherwise than meant
            "ball's out, I'm down, let's kick off",
            "no, I want a fresh start from step one",
            "no, that's enough for today, my legs are dead",
        },
    ),
    "redflags29": (
        236,
        {
            # "shin splints" with "the inside": the front of the shin, as the condition says
            "my shin splints are back, the inside of my left shin",
            # mid-routine, the ball's mishap or how the knot feels with the command last: the
            # stop rule and the commands, the step kept
            "next, the ball just popped out from under me",
            "ball slipped and went rolling under the sofa, one minute",
            "that knot just melted like butter, next",
        },
    ),
    "redflags30": (
        234,
        {
            # "had to stop ... to get my breath back" at the screen: the screen once more
            "not sure if it matters but i had to stop halfway up the stairs at work to get my"
            " breath back",
            # the market's fall, far from the low back: heard as a fall onto it
            "market had a big fall today and my lower back is also paining from sitting whole day",
            # mid-routine, the ball's, the phone's or a glow stick's mishap with the command
            # last: the stop rule and the commands, the step kept
            "the ball popped out of my hand and rolled away, ok next",
            "sorry, the dog knocked a mug off the table and the handle snapped, next",
            "phone fell from the table, no problem, next",
            "the kids just snapped a glow stick, all good, next",
        },
    ),
    "redflags31": (
        228,
        {
            # words no sample of the model holds reach the skill as a bare fallback: the screen
            # again at the fetch prompt
            "flatmate reckons me calf looks like a blown up footy",
            # weak legs said as an image; a snap said as an image after "sort of"; a hot red
            # ankle with sweats: a question, the screen once more, the screen again
            "both legs feel like wet noodles today",
            "sort of, it felt like a pencil snapping in my calf",
            "not feeling the best, me ankle's red as a lobster and i'm sweating buckets",
            # a no or a can't to the other side with the sign after it: the next muscle offered
            # (its screen comes first), or the stop rule and a question
            "no eh, my teeth are chattering and the joint's like a heat pack",
            "can't, that calf's concrete and it's brutal",
            "no, nothing eases it",
            # a dog called Blue, a race time's fall: advice; a bum after a pb: not a place;
            # a hard ball, a cold roller with the next: the step commands, the fetch prompt
            "my dog's called blue and my inner shin is sore from walking him",
            "smashed my parkrun pb and my bum's been a bit tight since",
            "no, the only fall was my marathon time falling by ten minutes",
            "ok next, this ball's hard as a rock",
            "next, this roller's gone cold as ice sat by the window",
        },
    ),
    "redflags32": (
        238,
        {
            # "start over" at a resume offer on another day: the screen comes first
            "no, start over from the beginning",
            # a kick said of the runner after a cat, with nothing between: the rupture advice
            "next, the cat just kicked me in the face, ha",
        },
    ),
    "redflags33": (
        230,
        {
            # a muscle said first, a knee said last as a movement: the knee's question
            "yeah so been smashing the hills round the tan for the melbourne marathon and me hip"
            " flexors are cooked, really tight every time i lift my knee",
            # a physio question inside talk of rolling a calf: a routine, then the screen
            "how long do i keep doing this rolling malarkey before i should go and see a physio,"
            " it's been three weeks of a tight calf and i've still been doing my club runs",
            # "what is a trigger point" with a glute named: the glute's answer
            "what even is a trigger point, my running buddy keeps saying i have one in my glute"
            " after our saturday long runs and i just nod",
            # "what else" with the foot named again: the foot's question
            "hmm, what else could it be though, like what are the other ones, because i've been"
            " rolling my foot for weeks after my runs and it's not changing much",
            # the roller was already the offer's tool, and the peroneals have only the ball:
            # right answers the judge cannot see as a switch
            "i don't have a lacrosse ball with me, i'm at my sister's place after the race, can i"
            " do it with the foam roller instead",
            "can i use the foam roller instead, the lacrosse ball shot under the sofa and i'm not"
            " crawling under there after a twenty miler",
            # a step command with body talk mid-routine: the screen again, the command waits
            "hold on, go back one, i don't think i had the ball in the right spot on the last"
            " step, it was kinda on my hip bone",
            "this isn't really helping mate, third time doing it and my calf's still tight as on"
            " my runs, when should i go see a physio",
            # "start over" at a resume offer on another day: the screen comes first
            "nah let's start from the top, it's been a week since the last one and i can't"
            " remember what we did",
            # running that has "fallen off a cliff": the fall advice (its look-alike would take
            # a lead intent the model has no room for)
            "no, no falls, though my running's fallen off a cliff since christmas, it's just"
            " tight, honest",
        },
    ),
    "redflags34": (
        235,
        {
            # a sentence whose first word has no lead intent and whose sample is fixed: the
            # model matches nothing, so the skill hears a Fallback
            "between my legs and my bottom it feels like I am sitting on cotton wool, I cannot"
            " feel the seat at all",
            # "the back side near the heel" when asked about the ankle: the heel's back
            "the back side, near the heel",
            # "start over" at a resume offer on another day: the screen comes first
            "nah, start from the top",
            # numb fingers said as "like ice blocks" (the look-alike would take a new lead)
            "it's so cold out me fingers are like ice blocks, what's a good warm up",
            # a band "from my hip to my knee": the hip is heard too
            "the outside, it feels like a tight rope from my hip to my knee",
        },
    ),
    "redflags35": (
        225,
        {
            # a "no" to the other side, then a sign said as a denial of strength in both legs,
            # or as pain said with no verb ("no, pain's building run on run")
            "no. neither leg's got any strength",
            "no. pain's building run on run",
            # clipped commands after a word that is a command or a sign of its own
            "done. stop",
            "nah, fresh start",
            "nah, done for today",
            "numbskull, wrong leg. start over",
            "red ball rolled under the couch. pause",
            "night night. stop",
            "ball snapped. roller then",
            "oh snap, missed that. go back",
            "should i hold my breath? say again",
            "pop some music on",
            # signs named and then denied after them ("swollen? no."): the advice
            "swollen? no. only tight",
            "numb, no. tingly, no. all clear",
            "chest's fine, breathing's fine. nah",
        },
    ),
    "redflags-holdout14": (
        230,
        {
            # a pop that feels good, numb toes from laces, cold coffee, a foot that fell asleep,
            # a pop that "is just the knot", "snap in half" on the roller: heard as the sign,
            # which errs toward advice
            "got this knot in me bum that goes pop when I sit on the ball, feels bloody good"
            " actually",
            "arch of my foot, I think, bit achy after breaking in new trainers, my toes went numb"
            " once from the laces being too tight but that's sorted",
            "nope, only thing that's cold is my coffee, it went cold while I was setting up",
            "no, my foot fell asleep sitting on the bus but it woke right up, otherwise nothing",
            "okay, that felt like a pop but it's just the knot letting go, next",
            "ready, me mate reckons I'll snap in half on this roller, but righto",
            # mid-routine, a popping back or a crack from the radiator: the stop rule, the step
            # kept
            "next, I heard a crack but it was just the lacrosse ball rolling into the radiator,"
            " lol",
            # an old injury or a back named, heard as a place: the place is answered, no pressure
            "yes please, my calf popped back to normal after yesterday, cheers",
            # the roller named mid-routine: the routine on the roller, from its start
            "sorry, repeat that step, I was laughing at my dog sitting on the roller",
            "say that one again, I was too busy dying on this foam roller, it's killing me in a"
            " good way",
        },
    ),
    "redflags8": (
        299,
        {
            # cramp and "the one side" said too far apart; a sock's ring that stayed
            "thing is my calf has been cramping for three days straight only on the one side and"
            " my ankle sock left a ring in it that took ages to go away",
        },
    ),
}


@pytest.mark.parametrize("half", sorted(RED_FLAG_SETS))
def test_a_tuned_red_flag_set_is_heard_as_it_is_meant(half: str) -> None:
    at_least, known_gaps = RED_FLAG_SETS[half]
    every = load(half)
    entries = [e for e in every if e["say"] not in known_gaps]
    outcomes = run_nlu(entries)
    wrong = [
        f"{e['at']}: {e['say']!r} expected {e['expect']} (said {o.said})"
        for e, o in zip(entries, outcomes, strict=True)
        if not judge(e, o)
    ]
    assert len(entries) >= at_least
    assert not wrong, "\n".join(wrong)
    gaps = [e for e in every if e["say"] in known_gaps]
    assert len(gaps) == len(known_gaps)  # each gap is a sentence of the set
    assert not any(judge(e, o) for e, o in zip(gaps, run_nlu(gaps), strict=True))


def _ids(entries: list[dict[str, Any]]) -> list[str]:
    return [f"{e['at']}: {e['say']}" for e in entries]


@pytest.fixture(scope="module")
def red_flag_outcomes() -> list[Any]:
    return run_nlu(RED_FLAGS)


def test_every_red_flag_of_the_development_half_gets_advice_and_no_pressure(
    red_flag_outcomes: list[Any],
) -> None:
    missed = [
        f"{e['at']}: {e['say']!r} (said {o.said})"
        for e, o in zip(RED_FLAGS, red_flag_outcomes, strict=True)
        if not judge(e, o)
    ]
    assert len(RED_FLAGS) >= 40
    assert not missed, "red flags not caught:\n" + "\n".join(missed)


@pytest.mark.parametrize(
    "entry", [e for e in OTHERS if e["say"] not in KNOWN_GAPS], ids=lambda e: e["say"]
)
def test_a_runners_sentence_means_what_it_says(entry: dict[str, Any]) -> None:
    (outcome,) = run_nlu([entry])
    assert judge(entry, outcome), (
        f"{entry['say']!r} at {entry['at']}: expected {entry['expect']},"
        f" the skill said {outcome.said} (pending {outcome.state.get('pending')})"
    )


@pytest.mark.xfail(strict=True, reason="a known gap")
@pytest.mark.parametrize(
    "entry", [e for e in OTHERS if e["say"] in KNOWN_GAPS], ids=lambda e: e["say"]
)
def test_a_known_gap_is_still_a_gap(entry: dict[str, Any]) -> None:
    (outcome,) = run_nlu([entry])
    assert judge(entry, outcome)


def test_the_known_gaps_are_real_sentences_of_the_slice() -> None:
    """A gap that is no longer in the slice (the corpus changed) must leave the list."""
    assert {e["say"] for e in OTHERS} >= KNOWN_GAPS


def test_an_unknown_locale_is_a_clear_error_naming_the_five() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tpcoach.cli", "say", "--locale", "en-NZ", "hello"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2
    for locale in ("en-US", "en-GB", "en-CA", "en-AU", "en-IN"):
        assert locale in result.stderr
