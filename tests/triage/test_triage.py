"""Behaviour of the bilingual triage on representative cases of each phenomenon in issue 3."""

from __future__ import annotations

import pytest

from chalicelib.domain.districts import DISTRICTS
from chalicelib.domain.handles import load_registry
from chalicelib.triage import Triage, triage

REG = load_registry()


def run(text: str, *handles: str) -> Triage:
    return triage(text, REG.watched(handles))


def district_of(text: str, *handles: str) -> int | None:
    return run(text, *handles).district


# -- district names, aliases, variants ---------------------------------------------------

@pytest.mark.parametrize("text, lgd", [
    ("Meerut me bijli nahi hai", 169),
    ("मेरठ में बिजली नहीं है", 169),
    ("#Meerut me chori", 169),
    ("lakhnau me naali jam hai", 162),                 # transliteration, lower case
    ("LUCKNOW: no water since morning", 162),
    ("Lko me sadak tooti hai", 162),                   # short form
    ("GZB me paani nahi aa raha", 145),
    ("#GautamBuddhNagar me kooda nahi utha", 144),     # camel-case hashtag
    ("gautambuddhnagar me kooda nahi utha", 144),      # joined, lower case
    ("Allahabad me gaddhe", 120),                       # old name
    ("इलाहाबाद में गड्ढे", 120),
    ("Faizabad me chori", 140),
    ("Sant Ravidas Nagar me ration nahi mila", 179),
    ("Noida me bijli gayab", 144),                      # headquarters / well-known town
    ("Vrindavan me jebkatre", 167),
    ("उरई में डॉक्टर नहीं", 151),
    ("ज्ञानपुर में पैमाइश लंबित", 179),
    ("Muzzafarnagar me lootpaat", 172),                 # misspelling of a long name
    ("Bulandshahar me chori", 134),
])
def test_district_names_aliases_and_spellings(text, lgd):
    assert district_of(text) == lgd


@pytest.mark.parametrize("variant", [
    "ग़ाज़ियाबाद में चोरी",          # nukta
    "गाजियाबाद में चोरी",
    "गा\u200dजियाबाद में चोरी",      # ZWJ inside the word
    "गा\u200cजियाबाद में चोरी",      # ZWNJ
])
def test_devanagari_nukta_and_joiners(variant):
    assert district_of(variant) == 145


@pytest.mark.parametrize("variant", ["झाँसी में चोरी", "झांसी में चोरी"])
def test_devanagari_chandrabindu_anusvara(variant):
    assert district_of(variant) == 153


@pytest.mark.parametrize("variant", ["बुलन्दशहर में चोरी", "बुलंदशहर में चोरी", "सम्भल में चोरी", "संभल में चोरी"])
def test_devanagari_halant_nasal_forms(variant):
    assert district_of(variant) in (134, 659)
    assert district_of(variant) == (134 if "बुल" in variant else 659)


def test_decomposed_unicode_is_normalised():
    import unicodedata
    text = unicodedata.normalize("NFD", "ग़ाज़ियाबाद में चोरी")
    assert district_of(text) == 145


# -- places inside districts -------------------------------------------------------------

@pytest.mark.parametrize("text, lgd", [
    ("Indirapuram me chain snatching", 145),            # locality
    ("इंदिरापुरम में चेन स्नैचिंग", 145),
    ("Gomti Nagar me bijli nahi", 162),
    ("gomtinagar me bijli nahi", 162),
    ("गोमती नगर में बिजली नहीं", 162),
    ("Sector 62 ke paas meri scooty chori", 144),       # Noida sector
    ("मोहनलालगंज में जमीन पर कब्जा", 162),             # tehsil
    ("Khatauli me chori", 172),
    ("खतौली में चोरी", 172),                            # Devanagari form of a Latin-only tehsil
    ("Pilkhuwa me avaidh sharab", 661),                 # town
    ("बिसरख में चोरी", 144),                            # thana
])
def test_places_inside_districts(text, lgd):
    assert district_of(text) == lgd


def test_ambiguous_place_alone_decides_nothing():
    assert district_of("नवाबगंज थाने में मेरी शिकायत नहीं सुनी जा रही") is None
    assert district_of("Lalganj tehsil me lekhpal rishwat maang raha") is None


def test_ambiguous_place_is_confirmed_by_district_handle_or_second_place():
    assert district_of("नवाबगंज थाने में एफआईआर नहीं लिखी", "kanpurnagarpol") == 157
    assert district_of("Bareilly ke Nawabganj me taar toota") == 130
    assert district_of("लालगंज, रायबरेली के लेखपाल रिश्वत मांग रहे") == 175


def test_ambiguous_place_does_not_take_an_unrelated_handle():
    # Nawabganj is in several districts, none of them Lucknow: contested -> unknown
    assert district_of("Nawabganj thane me sunwai nahi", "lucknowpolice") is None


def test_place_name_shared_with_a_district_means_the_district():
    # Banda town is in Shahjahanpur, Fatehpur tehsil in Bara Banki: the district name wins
    assert district_of("Fatehpur me ration nahi mila") == 142
    assert district_of("Fatehpur Sikri me tourists se fraud") == 118   # longest match


# -- handles ---------------------------------------------------------------------------

def test_district_handle_alone_implies_its_district():
    assert district_of("mere ghar ke bahar roz jhagda hota hai", "Uppolice", "meerutpolice") == 169


def test_state_handle_alone_gives_no_district():
    assert district_of("mere ghar ke bahar roz jhagda hota hai", "Uppolice") is None


def test_explicit_place_overrides_district_handle():
    assert district_of("Indirapuram me mera phone chheen liya", "noidapolice") == 145
    assert district_of("main Kanpur ke Barra me rehta hu, yahan satta chal raha", "Uppolice", "lucknowpolice") == 157


def test_two_district_handles_without_place_is_unknown():
    assert district_of("chori ho gayi", "meerutpolice", "noidapolice") is None


def test_handle_text_is_not_read_as_a_place():
    # "@lucknowpolice" in the text must not count as the word Lucknow against Indirapuram
    t = run("@lucknowpolice @Uppolice Indirapuram me chori", "lucknowpolice", "Uppolice")
    assert t.district == 145


# -- conservative resolution -------------------------------------------------------------

def test_kanpur_alone_is_kanpur_nagar():
    assert district_of("Kanpur me bijli nahi") == 157
    assert district_of("कानपुर देहात में बिजली नहीं") == 156


def test_akbarpur_alone_is_unknown_and_confirmed_by_district():
    assert district_of("Akbarpur me naali jam") is None
    assert district_of("अकबरपुर, अंबेडकर नगर में नाली जाम") == 121
    assert district_of("Akbarpur Kanpur Dehat me dakhil kharij") == 156


@pytest.mark.parametrize("name, lgd, state", [
    ("Hamirpur", 149, "Himachal"), ("Pratapgarh", 174, "Rajasthan"), ("Balrampur", 127, "Chhattisgarh")])
def test_names_shared_with_other_states(name, lgd, state):
    up = run(f"{name} me chori ho gayi", "Uppolice")
    assert up.district == lgd
    assert up.district_confidence < run("Meerut me chori ho gayi", "Uppolice").district_confidence
    assert district_of(f"{name} {state} me chori ho gayi", "Uppolice") is None


def test_two_districts_named_is_unknown():
    assert district_of("Lucknow aur Kanpur dono jagah bijli nahi") is None


def test_journey_and_road_names_are_not_the_place():
    assert district_of("Lucknow se Kanpur jaate waqt bus me chori") is None
    assert district_of("Agra-Lucknow expressway par Etawah ke paas accident, log ghayal") == 139
    assert district_of("bus from Kanpur, driver was rash driving", "UPSRTCHQ") is None


def test_common_words_are_not_places():
    # banda = "a guy", basti = "settlement", ghar/agra, night/Naya Ghat, trolley/Atrauli, kaarrvaai/Karwi
    assert district_of("ek banda roz gaali deta hai") is None
    assert district_of("हमारी बस्ती में कूड़ा नहीं उठा") is None
    assert district_of("Basti district ke Harraiya me handpump kharab") == 131
    assert district_of("mere ghar me chori") is None
    assert district_of("My car was stolen last night") is None
    assert district_of("रात में ट्रैक्टर ट्रॉली चोरी हो गई") is None
    assert district_of("कोई कार्रवाई नहीं हो रही") is None
    assert district_of("The matter has been forwarded for necessary action") is None


def test_unknown_when_no_place():
    t = run("please help, 3 din se bijli nahi hai", "Uppolice")
    assert t.district is None and t.district_name is None and t.district_confidence == 0.0


# -- department ------------------------------------------------------------------------

@pytest.mark.parametrize("text, dept", [
    ("बिजली नहीं आ रही", "electricity"), ("bijli nahi aa rahi", "electricity"), ("light nahi aa rahi 2 din se", "electricity"),
    ("transformer phunk gaya", "electricity"),
    ("राशन नहीं मिला", "food"), ("kotedar ration nahi de raha", "food"),
    ("दाखिल खारिज के लिए पैसे मांग रहे", "revenue"), ("zameen pe kabza kar liya", "revenue"),
    ("नल में पानी नहीं आ रहा", "water"), ("handpump kharab hai", "water"),
    ("naali jam hai, kooda nahi utha", "sanitation"), ("sewer overflowing on the road", "sanitation"),
    ("sadak me bade gaddhe", "roads"), ("road is completely broken", "roads"),
    ("अस्पताल में डॉक्टर नहीं", "health"), ("ambulance nahi aayi", "health"),
    ("school me teacher nahi aate", "education"), ("मिड डे मील नहीं बन रहा", "education"),
    ("roadways bus ka conductor zyada kiraya le raha", "transport"), ("traffic jam at the crossing", "transport"),
    ("meri bike chori ho gayi", "police"), ("छेड़छाड़ करते हैं", "police"),
    ("गन्ना भुगतान नहीं हुआ", "other"),
])
def test_department_lexicon(text, dept):
    assert run(text, "Uppolice").department == dept


def test_department_handle_implies_department_unless_text_says_otherwise():
    assert run("3 ghante se kuch nahi", "UPPCLLKO").department == "electricity"
    assert run("bus 2 ghante late hai", "UPSRTCHQ").department == "transport"
    assert run("हमारे मोहल्ले की नाली दस दिन से साफ नहीं हुई", "UPPCLLKO").department == "sanitation"
    assert run("Huge jam at the crossing, no police", "noidatraffic").department == "transport"


def test_complaint_always_has_a_department():
    t = run("mera kaam 3 mahine se atka hua hai koi sunta nahi", "Uppolice")
    assert t.is_complaint and t.department in ("police", "other")
    t = run("mera kaam 3 mahine se atka hua hai koi sunta nahi", )
    assert t.department == "other"


# -- urgency ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "आगरा में अभी एक घर में आग लगी है",                                   # fire
    "highway pe accident hua hai, 3 log ghayal pade hain",                # accident with injured
    "abhi abhi do ladke ek ladki ko chhed rahe hain, jaldi aao",           # harassment in progress
    "mera 8 saal ka beta shaam se gayab hai",                             # missing child
    "मेरी बेटी स्कूल से घर नहीं लौटी, लापता है",
    "A man is following my sister right now, please help immediately",
    "mareez ki saans ruk rahi hai, oxygen nahi hai",                      # medical emergency
    "bijli ka taar toot kar sadak par gira hai",                          # live wire
])
def test_urgent(text):
    assert run(text, "Uppolice").urgent


@pytest.mark.parametrize("text", [
    "pichle mahine accident hua tha, muavza nahi mila",
    "meri bike chori ho gayi 2 din pehle",
    "naali jam hai",
    "mera bhai kal se phone nahi utha raha",
])
def test_not_urgent(text):
    assert not run(text, "Uppolice").urgent


# -- actionable or not ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Thank you @Uppolice for the quick action 🙏",
    "धन्यवाद, आपकी टीम ने मेरी बाइक बरामद कर दी",
    "Happy Diwali UP Police",
    "होली की हार्दिक शुभकामनाएं",
    "Breaking news: UP Police busts gang, 5 arrested https://t.co/x",
    "2027 me phir BJP sarkar banegi, opposition ka safaya",
    "कृपया अपना मोबाइल नंबर डीएम करें, संबंधित को आवश्यक कार्यवाही हेतु निर्देशित किया गया है।",
    "The matter has been forwarded to the concerned police station for necessary action.",
    "@Uppolice",
])
def test_not_actionable(text):
    t = run(text, "Uppolice")
    assert not t.is_complaint and not t.urgent


@pytest.mark.parametrize("text", [
    "Thanks for the reply but still no action on my complaint",
    "thanks for nothing, 5 ghante se light nahi",
    "Yogi ji, hamare gaon me 3 din se bijli nahi hai",
    "बरसाना में होली के दौरान महिलाओं से बदसलूकी हो रही है",
    "मेरी बाइक चोरी हो गई",                                   # "हो गई" is not "resolved"
])
def test_complaints_with_praise_or_greeting_words_stay_complaints(text):
    assert run(text, "Uppolice").is_complaint


# -- PII and output shape ----------------------------------------------------------------

def test_pii_is_masked_in_masked_text_only():
    text = "call 9876543210 or +91 98765 43210, aadhaar 1234 5678 9012, mail a.b@gmail.com; FIR 123/2024"
    t = run(text, "Uppolice")
    assert "9876543210" not in t.masked_text and "98765 43210" not in t.masked_text
    assert "1234 5678 9012" not in t.masked_text and "a.b@gmail.com" not in t.masked_text
    assert "FIR 123/2024" in t.masked_text
    assert t.masked_text.count("[phone]") == 2 and "[aadhaar]" in t.masked_text and "[email]" in t.masked_text


def test_devanagari_digits_phone_is_masked():
    assert "[phone]" in run("मेरा नंबर ९८७६५४३२१० है").masked_text


def test_masked_text_catches_every_form_and_drops_bidirectional_controls():
    link = "https://x.com/u/status/1234567890123456789"
    t = run(f"Aliganj\u202e me chori, mob_98 76 54 32 10, aadhaar २३४५.६७८९.०१२३, \u2066{link}")
    assert t.masked_text == f"Aliganj me chori, mob_[phone], aadhaar [aadhaar], {link}"


def test_output_fields_and_ranges():
    t = run("Gomti Nagar me bijli nahi", "UPPCLLKO")
    assert t.district == 162 and t.district_name == DISTRICTS[162].name_en
    for c in (t.confidence, t.district_confidence, t.department_confidence):
        assert 0.0 <= c <= 1.0
    assert t.confidence > run("bijli nahi", "UPPCLLKO").confidence


def test_empty_and_odd_input_does_not_crash():
    for text in ("", " ", "🙏🙏🙏", "@a @b", "#", "१२३", "a" * 5000, "\u200d\u200c", "सेक्टर"):
        t = run(text)
        assert isinstance(t, Triage)
