"""Realistic new mentions for the benchmarks: complaints in Hindi, Hinglish and English tagging
watched handles, from templates and a seeded random (the same run gives the same tweets).

A district police handle's complaint usually names no district (the handle tells it); one to a
state or department handle names any of the 75 districts, so the desk's counters grow as they
would across the state.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from chalicelib.domain.districts import DISTRICTS

HANDLES = Path(__file__).resolve().parent.parent / "chalicelib" / "data" / "handles.json"

# {where}: " in <district>" (or its Hindi / Hinglish form), or nothing; {n}: a small number.
TEMPLATES = {
    "en": (
        "No electricity{where} since {n} hours, the transformer is burnt and the 1912 helpline gives no complaint number.",
        "Garbage has not been picked up{where} for {n} days and the drain is overflowing onto the road. Please send a team.",
        "Huge potholes on the main road{where}, {n} bike riders fell this week. When will it be repaired?",
        "My phone was snatched near the bus stand{where} this evening and the thana is not registering an FIR. Please help.",
        "No drinking water supply{where} for {n} days, the pipeline is broken near the market.",
        "Doctors are absent at the government hospital{where}, patients have been waiting since {n} am.",
        "Ration dealer{where} gives {n} kg less wheat than the card says and asks for money. Please inspect.",
    ),
    "hinglish": (
        "{where_hl} {n} din se light nahi aa rahi, transformer kharab hai. Koi sunwai nahi ho rahi",
        "{where_hl} naali jam hai aur kooda {n} din se nahi utha. Bimari fail rahi hai, please action lijiye",
        "{where_hl} market me roz shaam ko ladke ladkiyon ko chhedte hain, {n} baar shikayat ki, koi action nahi",
        "{where_hl} paani ki supply {n} din se band hai, pipeline toot gayi hai",
        "{where_hl} sadak me bade gaddhe hain, {n} log gir chuke hain, kab theek hogi?",
        "{where_hl} school me teacher {n} din se nahi aaye, bacche ghar laut jaate hain",
    ),
    "hi": (
        "{where_hi} {n} दिन से बिजली नहीं है, ट्रांसफार्मर जल गया है। कृपया जल्द ठीक कराएं।",
        "{where_hi} {n} दिन से कूड़ा नहीं उठा, नाली का पानी सड़क पर बह रहा है।",
        "{where_hi} मेरी बाइक चोरी हो गई, {n} दिन से थाने में रिपोर्ट नहीं लिखी जा रही। कृपया मदद करें।",
        "{where_hi} पीने के पानी की सप्लाई {n} दिन से बंद है, लोग परेशान हैं।",
        "{where_hi} मुख्य सड़क पर बड़े गड्ढे हैं, {n} दुर्घटनाएं हो चुकी हैं।",
        "{where_hi} सरकारी अस्पताल में डॉक्टर नहीं बैठते, मरीज़ सुबह {n} बजे से इंतज़ार कर रहे हैं।",
    ),
}


def watched_handles() -> list[dict]:
    return json.loads(HANDLES.read_text(encoding="utf-8"))["handles"]


def generate(count: int, seed: int, first_author: int = 0) -> list[dict]:
    """`count` tweets for the X server's control endpoint, each by a new citizen."""
    rng = random.Random(seed)
    handles = watched_handles()
    districts = sorted(DISTRICTS.values())
    tweets = []
    for i in range(count):
        handle = rng.choice(handles)
        language = rng.choice(tuple(TEMPLATES))
        district = rng.choice(districts)
        en, hi = district.name_en, district.name_hi
        named = handle["district"] is None or rng.random() < 0.2
        where = {
            "where": f" in {en}" if named else "",
            "where_hl": f"{en} me" if named else "Hamare mohalle me",
            "where_hi": f"{hi} में" if named else "हमारे मोहल्ले में",
        }
        text = rng.choice(TEMPLATES[language]).format(n=rng.randint(2, 9), **where)
        tags = [handle["handle"]]
        if rng.random() < 0.15:
            tags.append(rng.choice(handles)["handle"])
        if rng.random() < 0.1:
            text += f" Mera no. 9{rng.randint(100000000, 999999999)}"
        author = f"citizen{first_author + i:06d}"
        tweets.append({"author": author, "text": " ".join(f"@{t}" for t in dict.fromkeys(tags)) + " " + text})
    return tweets
