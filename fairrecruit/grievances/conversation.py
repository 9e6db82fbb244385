"""A question-and-answer complaint conversation for SMS and chat, independent of any channel. Plain Python.

``handle(state, text, now=...)`` takes the stored state of one sender's conversation (``None`` for a new
sender) and the text of one incoming message; it returns the new state, the replies to send and, when the
last question was answered, the complaint to store. The channel adapters (Twilio, RapidPro) and the storage
of the state live in ``services.conversation_handle``.

* Languages: the site's eleven (English, Nepali, Bengali, Hindi, Filipino, Indonesian, Vietnamese, Arabic,
  Russian, Spanish, Burmese; ``MESSAGES``); others can be added as one more dict. A first message in Devanagari,
  Bengali, Arabic, Cyrillic or Myanmar script, or with Vietnamese letters, picks its language (Hindi or Nepali by
  their common words; Urdu is not taken for Arabic); others get the language menu. Numbers may be typed in
  Devanagari, Bengali, Myanmar, Arabic-Indic or Persian digits. A country may be answered by its number or its name in any language (``core.countries``); amounts
  without a currency are taken in the country's own currency (the CLDR's, through Babel).
* Resumable: the state holds the step and the answers. A worker silent for longer than ``resume_after`` is
  greeted back and asked the same question again (the message that woke the conversation is not taken as an
  answer). ``NEW`` starts again; ``STATUS`` asks for the case status once a complaint was made; after that,
  any other message is added to the case as information.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pycountry
from babel.numbers import get_territory_currencies
from django.utils import translation

from fairrecruit.core.countries import country_code, country_name
from fairrecruit.core.money import money

LANGUAGES = ("en", "ne", "bn", "hi", "fil", "id", "vi", "ar", "ru", "es", "my")
DONE = "done"

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "danger": "Are you in danger now? Reply 1 Yes, 2 No.",
        "danger_ack": "We will treat your complaint as urgent. If your life is at risk, call the police or "
        "your embassy now.",
        "categories": "What happened? Send one or more numbers, e.g. 1 4: 1 paid fees, 2 lied to about the job, "
        "3 contract changed, 4 passport kept, 5 wages unpaid, 6 not free to leave or go home, "
        "7 forced to work, 8 harassment or violence, 9 other",
        "respondent": "Who is the complaint about? Send the name of the agency, agent or employer "
        "(0 if you do not know).",
        "origin": "Which country are you from? 1 Nepal, 2 Bangladesh, 3 India, 4 Philippines, 5 Indonesia, "
        "6 Sri Lanka, 7 Pakistan, 8 other (or send the country's name)",
        "destination": "Which country is the job in? 1 Qatar, 2 Saudi Arabia, 3 UAE, 4 Kuwait, 5 Oman, "
        "6 Bahrain, 7 Malaysia, 8 other (or send the country's name)",
        "paid": "How much did you pay in total to get the job? E.g. 150000 NPR (0 if nothing).",
        "purpose": "What was the money for? Send one or more numbers, e.g. 1 2: 1 the agency's fee or service charge, 2 air ticket, 3 visa or work permit, 4 medical check, 5 training, 6 other or do not know",
        "wage": "What monthly wage were you promised? E.g. 1200 QAR (0 if you do not know).",
        "year": "Which year were you recruited? E.g. 2023",
        "domestic": "Is the job domestic work, in a home? Reply 1 Yes, 2 No.",
        "description": "Tell us briefly what happened (0 to skip).",
        "name": "Your name? Send 0 to stay anonymous. We never give your name to the recruiter.",
        "consent": "May we send your complaint to the authority that can act? 1 Yes, with my name, "
        "2 Yes, without my name, 3 No",
        "done": "Complaint received. Case code {code}, PIN {pin}. Keep them secret. Send STATUS to follow "
        "your case, or write more to add information.",
        "not_understood": "Sorry, I did not understand.",
        "welcome_back": "Welcome back. We continue where you stopped (send NEW to start again).",
        "added": "Added to your case {code}. Thank you.",
        "too_many": "Too many questions from this number. Please try again in an hour.",
        "status": "Case {code}: {status}.",
        "plan_open": "Money back: {paid} of {amount} paid so far; the rest is due by {due}.",
        "plan_overdue": "Money back: {paid} of {amount} paid; the rest was due by {due} and is late. This has been escalated.",
        "plan_settled": "Money back: {amount} paid in full.",
        "owed": "What should come back to you: {amount} under the rule that the employer pays.",
        "owed_law": "Under the law of {country}: {amount}.",
        "owed_law_pending": "Under the law of {country}: a person will first check what the money was for (send STATUS later).",
        "below_minimum": "The wage you were promised, {wage}, is below the legal minimum wage in {country}, {minimum} a month. An employer may not pay less.",
        "below_minimum_home": "The wage you were promised, {wage}, is below the minimum wage {country} sets for its workers abroad in this work, {minimum} a month.",
    },
    "ne": {
        "danger": "के तपाईं अहिले खतरामा हुनुहुन्छ? १ हो, २ होइन लेखेर पठाउनुहोस्।",
        "danger_ack": "हामी तपाईंको उजुरीलाई अत्यावश्यक मान्नेछौं। ज्यान जोखिममा छ भने अहिले नै प्रहरी वा "
        "दूतावासलाई फोन गर्नुहोस्।",
        "categories": "के भयो? एक वा बढी नम्बर पठाउनुहोस्, जस्तै १ ४: १ शुल्क तिरें, २ कामबारे झुटो बोलियो, "
        "३ सम्झौता फेरियो, ४ राहदानी राखियो, ५ तलब पाइनँ, ६ छोड्न वा घर फर्कन पाइनँ, ७ जबरजस्ती काम, "
        "८ दुर्व्यवहार वा हिंसा, ९ अन्य",
        "respondent": "उजुरी कसको विरुद्ध हो? एजेन्सी, एजेन्ट वा रोजगारदाताको नाम पठाउनुहोस् (थाहा छैन भने ०)।",
        "origin": "तपाईं कुन देशको हो? १ नेपाल, २ बंगलादेश, ३ भारत, ४ फिलिपिन्स, ५ इन्डोनेसिया, ६ श्रीलंका, "
        "७ पाकिस्तान, ८ अन्य",
        "destination": "काम कुन देशमा हो? १ कतार, २ साउदी अरब, ३ युएई, ४ कुवेत, ५ ओमान, ६ बहराइन, ७ मलेसिया, ८ अन्य",
        "paid": "काम पाउन जम्मा कति तिर्नुभयो? जस्तै 150000 NPR (केही तिर्नुभएन भने ०)।",
        "purpose": "यो रकम केका लागि तिर्नुभयो? एक वा बढी नम्बर पठाउनुहोस्, जस्तै १ २: १ एजेन्सीको शुल्क वा सेवा शुल्क, २ हवाई टिकट, ३ भिसा वा श्रम स्वीकृति, ४ स्वास्थ्य परीक्षण, ५ तालिम, ६ अरू वा थाहा छैन",
        "wage": "तपाईंलाई मासिक कति तलब दिने भनिएको थियो? जस्तै 1200 QAR (थाहा छैन भने ०)।",
        "year": "तपाईं कुन सालमा भर्ना हुनुभयो? जस्तै 2023 (ईस्वी सन्)",
        "domestic": "के यो काम घरेलु काम (कसैको घरमा) हो? १ हो, २ होइन लेखेर पठाउनुहोस्।",
        "description": "के भयो छोटकरीमा लेख्नुहोस् (छोड्न ०)।",
        "name": "तपाईंको नाम? नाम नदिन ० पठाउनुहोस्। हामी तपाईंको नाम भर्ती एजेन्सीलाई कहिल्यै दिँदैनौं।",
        "consent": "के हामी तपाईंको उजुरी कारबाही गर्न सक्ने निकायलाई पठाउन सक्छौं? १ हो, मेरो नामसहित, "
        "२ हो, नामबिना, ३ होइन",
        "done": "उजुरी प्राप्त भयो। मुद्दा कोड {code}, पिन {pin}। यिनलाई गोप्य राख्नुहोस्। अवस्था हेर्न STATUS "
        "पठाउनुहोस्, वा थप जानकारी लेख्नुहोस्।",
        "not_understood": "माफ गर्नुहोस्, बुझिनँ।",
        "welcome_back": "फेरि स्वागत छ। तपाईंले छोडेको ठाउँबाट जारी राख्छौं (नयाँ सुरु गर्न NEW पठाउनुहोस्)।",
        "added": "तपाईंको मुद्दा {code} मा थपियो। धन्यवाद।",
        "too_many": "यो नम्बरबाट धेरै प्रश्न आए। कृपया एक घण्टापछि फेरि प्रयास गर्नुहोस्।",
        "status": "मुद्दा {code}: {status}।",
        "plan_open": "फिर्ता रकम: {amount} मध्ये अहिलेसम्म {paid} तिरियो; बाँकी {due} सम्म तिर्नुपर्छ।",
        "plan_overdue": "फिर्ता रकम: {amount} मध्ये {paid} तिरियो; बाँकी {due} सम्म तिर्नुपर्थ्यो, ढिलो भयो। यो माथि पठाइएको छ।",
        "plan_settled": "फिर्ता रकम: {amount} पूरै तिरियो।",
        "owed": "तपाईंले फिर्ता पाउनुपर्ने: रोजगारदाताले तिर्ने नियमअनुसार {amount}।",
        "owed_law": "{country}को कानूनअनुसार: {amount}।",
        "owed_law_pending": "{country}को कानूनअनुसार: रकम केका लागि थियो भनेर पहिले एक जनाले जाँच गर्नेछन् (पछि STATUS पठाउनुहोस्)।",
        "below_minimum": "तपाईंलाई भनिएको तलब, {wage}, {country}को कानुनी न्यूनतम तलब, महिनाको {minimum}, भन्दा कम छ। रोजगारदाताले योभन्दा कम दिन पाउँदैन।",
        "below_minimum_home": "तपाईंलाई भनिएको तलब, {wage}, {country}ले विदेशमा यो काम गर्ने आफ्ना कामदारका लागि तोकेको न्यूनतम तलब, महिनाको {minimum}, भन्दा कम छ।",
    },
    "bn": {
        "danger": "আপনি কি এখন বিপদে আছেন? উত্তর দিন ১ হ্যাঁ, ২ না।",
        "danger_ack": "আমরা আপনার অভিযোগটি জরুরি হিসেবে দেখব। জীবন ঝুঁকিতে থাকলে এখনই পুলিশ বা আপনার দূতাবাসে ফোন করুন।",
        "categories": "কী হয়েছে? এক বা একাধিক নম্বর পাঠান, যেমন ১ ৪: ১ ফি দিয়েছি, ২ কাজ নিয়ে মিথ্যা বলা হয়েছে, "
        "৩ চুক্তি বদলানো হয়েছে, ৪ পাসপোর্ট রেখে দিয়েছে, ৫ বেতন পাইনি, ৬ চাকরি ছাড়তে বা দেশে ফিরতে দেয় না, "
        "৭ জোর করে কাজ, ৮ হয়রানি বা সহিংসতা, ৯ অন্য",
        "respondent": "অভিযোগ কার বিরুদ্ধে? এজেন্সি, দালাল বা নিয়োগকর্তার নাম পাঠান (না জানলে ০)।",
        "origin": "আপনি কোন দেশের? ১ নেপাল, ২ বাংলাদেশ, ৩ ভারত, ৪ ফিলিপাইন, ৫ ইন্দোনেশিয়া, ৬ শ্রীলঙ্কা, "
        "৭ পাকিস্তান, ৮ অন্য",
        "destination": "কাজ কোন দেশে? ১ কাতার, ২ সৌদি আরব, ৩ সংযুক্ত আরব আমিরাত, ৪ কুয়েত, ৫ ওমান, ৬ বাহরাইন, "
        "৭ মালয়েশিয়া, ৮ অন্য",
        "paid": "কাজ পেতে মোট কত টাকা দিয়েছেন? যেমন 350000 BDT (কিছু না দিলে ০)।",
        "purpose": "টাকা কীসের জন্য দিয়েছেন? এক বা একাধিক নম্বর পাঠান, যেমন ১ ২: ১ এজেন্সির ফি বা সার্ভিস চার্জ, ২ বিমান টিকিট, ৩ ভিসা বা ওয়ার্ক পারমিট, ৪ মেডিকেল পরীক্ষা, ৫ প্রশিক্ষণ, ৬ অন্য কিছু বা জানি না",
        "wage": "আপনাকে মাসে কত বেতনের কথা বলা হয়েছিল? যেমন 1200 QAR (না জানলে ০)।",
        "year": "কোন সালে আপনাকে নিয়োগ করা হয়েছিল? যেমন 2023",
        "domestic": "কাজটি কি গৃহকর্ম, কারও বাড়িতে? উত্তর দিন ১ হ্যাঁ, ২ না।",
        "description": "সংক্ষেপে কী হয়েছে লিখুন (বাদ দিতে ০)।",
        "name": "আপনার নাম? নাম না দিতে চাইলে ০ পাঠান। আমরা কখনো আপনার নাম রিক্রুটিং এজেন্সিকে দিই না।",
        "consent": "আমরা কি আপনার অভিযোগ ব্যবস্থা নিতে পারে এমন কর্তৃপক্ষের কাছে পাঠাতে পারি? "
        "১ হ্যাঁ, আমার নামসহ, ২ হ্যাঁ, নাম ছাড়া, ৩ না",
        "done": "অভিযোগ পাওয়া গেছে। কেস কোড {code}, পিন {pin}। এগুলো গোপন রাখুন। অবস্থা জানতে STATUS পাঠান, "
        "বা আরও তথ্য লিখে পাঠান।",
        "not_understood": "দুঃখিত, বুঝতে পারিনি।",
        "welcome_back": "আবার স্বাগতম। আপনি যেখানে থেমেছিলেন সেখান থেকে চালিয়ে যাচ্ছি (নতুন করে শুরু করতে NEW পাঠান)।",
        "added": "আপনার কেস {code}-এ যোগ করা হয়েছে। ধন্যবাদ।",
        "too_many": "এই নম্বর থেকে অনেক বেশি প্রশ্ন এসেছে। এক ঘণ্টা পরে আবার চেষ্টা করুন।",
        "status": "কেস {code}: {status}।",
        "plan_open": "টাকা ফেরত: {amount}-এর মধ্যে এ পর্যন্ত {paid} দেওয়া হয়েছে; বাকিটা {due}-এর মধ্যে দিতে হবে।",
        "plan_overdue": "টাকা ফেরত: {amount}-এর মধ্যে {paid} দেওয়া হয়েছে; বাকিটা {due}-এর মধ্যে দেওয়ার কথা ছিল, দেরি হয়েছে। বিষয়টি ঊর্ধ্বতনদের জানানো হয়েছে।",
        "plan_settled": "টাকা ফেরত: {amount} পুরো দেওয়া হয়েছে।",
        "owed": "আপনার যা ফেরত পাওয়া উচিত: নিয়োগকর্তা দেবেন এই নিয়ম অনুযায়ী {amount}।",
        "owed_law": "{country}-এর আইন অনুযায়ী: {amount}।",
        "owed_law_pending": "{country}-এর আইন অনুযায়ী: টাকা কীসের জন্য ছিল তা আগে একজন যাচাই করবেন (পরে STATUS পাঠান)।",
        "below_minimum": "আপনাকে যে বেতনের কথা বলা হয়েছিল, {wage}, তা {country}-এর আইনি ন্যূনতম মজুরি, মাসে {minimum}, এর চেয়ে কম। নিয়োগকর্তা এর কম দিতে পারেন না।",
        "below_minimum_home": "আপনাকে যে বেতনের কথা বলা হয়েছিল, {wage}, তা বিদেশে এই কাজে {country} তার কর্মীদের জন্য যে ন্যূনতম মজুরি ঠিক করেছে, মাসে {minimum}, এর চেয়ে কম।",
    },
    "hi": {
        "danger": "क्या आप अभी खतरे में हैं? जवाब दें 1 हाँ, 2 नहीं।",
        "danger_ack": "हम आपकी शिकायत को ज़रूरी मानेंगे। अगर आपकी जान को खतरा है, तो अभी पुलिस या अपने दूतावास को "
        "फ़ोन करें।",
        "categories": "क्या हुआ? एक या ज़्यादा नंबर भेजें, जैसे 1 4: 1 फ़ीस दी, 2 काम के बारे में झूठ बोला गया, "
        "3 अनुबंध बदला गया, 4 पासपोर्ट रख लिया गया, 5 वेतन नहीं मिला, 6 नौकरी छोड़ने या घर लौटने नहीं दिया, "
        "7 ज़बरदस्ती काम, 8 उत्पीड़न या हिंसा, 9 अन्य",
        "respondent": "शिकायत किसके बारे में है? एजेंसी, एजेंट या नियोक्ता का नाम भेजें (पता न हो तो 0)।",
        "origin": "आप किस देश से हैं? 1 नेपाल, 2 बांग्लादेश, 3 भारत, 4 फ़िलीपींस, 5 इंडोनेशिया, 6 श्रीलंका, "
        "7 पाकिस्तान, 8 अन्य (या देश का नाम भेजें)",
        "destination": "नौकरी किस देश में है? 1 क़तर, 2 सऊदी अरब, 3 यूएई, 4 कुवैत, 5 ओमान, 6 बहरीन, 7 मलेशिया, "
        "8 अन्य (या देश का नाम भेजें)",
        "paid": "नौकरी पाने के लिए आपने कुल कितना दिया? जैसे 150000 INR (कुछ नहीं दिया तो 0)।",
        "purpose": "यह पैसा किस लिए दिया? एक या ज़्यादा नंबर भेजें, जैसे 1 2: 1 एजेंसी की फ़ीस या सर्विस चार्ज, 2 हवाई टिकट, 3 वीज़ा या वर्क परमिट, 4 मेडिकल जाँच, 5 प्रशिक्षण, 6 कुछ और या पता नहीं",
        "wage": "आपसे हर महीने कितने वेतन का वादा किया गया था? जैसे 1200 QAR (पता न हो तो 0)।",
        "year": "आपकी भर्ती किस साल हुई? जैसे 2023",
        "domestic": "क्या यह काम घरेलू काम है, किसी के घर में? जवाब दें 1 हाँ, 2 नहीं।",
        "description": "संक्षेप में बताएँ क्या हुआ (छोड़ने के लिए 0)।",
        "name": "आपका नाम? गुमनाम रहने के लिए 0 भेजें। हम आपका नाम कभी भर्ती एजेंसी को नहीं देते।",
        "consent": "क्या हम आपकी शिकायत उस संस्था को भेज सकते हैं जो कार्रवाई कर सकती है? 1 हाँ, मेरे नाम के साथ, "
        "2 हाँ, नाम के बिना, 3 नहीं",
        "done": "शिकायत मिल गई। केस कोड {code}, पिन {pin}। इन्हें गुप्त रखें। अपने केस की जानकारी के लिए STATUS "
        "भेजें, या और जानकारी जोड़ने के लिए लिखें।",
        "not_understood": "माफ़ कीजिए, मैं समझ नहीं पाया।",
        "welcome_back": "फिर से स्वागत है। हम वहीं से आगे बढ़ते हैं जहाँ आपने छोड़ा था (फिर से शुरू करने के लिए NEW भेजें)।",
        "added": "आपके केस {code} में जोड़ दिया गया। धन्यवाद।",
        "too_many": "इस नंबर से बहुत ज़्यादा सवाल आए। कृपया एक घंटे बाद फिर कोशिश करें।",
        "status": "केस {code}: {status}।",
        "plan_open": "पैसे की वापसी: {amount} में से अब तक {paid} दिए गए; बाक़ी {due} तक देने हैं।",
        "plan_overdue": "पैसे की वापसी: {amount} में से {paid} दिए गए; बाक़ी {due} तक देने थे, देर हो गई है। मामला ऊपर भेजा गया है।",
        "plan_settled": "पैसे की वापसी: {amount} पूरे दे दिए गए।",
        "owed": "आपको जो वापस मिलना चाहिए: नियोक्ता भुगतान करे, इस नियम के अनुसार {amount}।",
        "owed_law": "{country} के क़ानून के अनुसार: {amount}।",
        "owed_law_pending": "{country} के क़ानून के अनुसार: पैसा किस लिए था, यह पहले एक व्यक्ति जाँचेगा (बाद में STATUS भेजें)।",
        "below_minimum": "आपसे वादा किया गया वेतन, {wage}, {country} के क़ानूनी न्यूनतम वेतन, महीने के {minimum}, से कम है। नियोक्ता इससे कम नहीं दे सकता।",
        "below_minimum_home": "आपसे वादा किया गया वेतन, {wage}, विदेश में इस काम के लिए {country} द्वारा अपने कामगारों के लिए तय न्यूनतम वेतन, महीने के {minimum}, से कम है।",
    },
    "fil": {
        "danger": "Nasa panganib ka ba ngayon? Sumagot ng 1 Oo, 2 Hindi.",
        "danger_ack": "Ituturing naming madalian ang reklamo mo. Kung nanganganib ang buhay mo, tumawag ngayon sa "
        "pulis o sa inyong embahada.",
        "categories": "Ano ang nangyari? Magpadala ng isa o higit pang numero, hal. 1 4: 1 nagbayad ng fee, "
        "2 nilinlang tungkol sa trabaho, 3 pinalitan ang kontrata, 4 kinuha ang pasaporte, 5 hindi binayaran ang "
        "sahod, 6 hindi makaalis o makauwi, 7 sapilitang trabaho, 8 panliligalig o karahasan, 9 iba pa",
        "respondent": "Sino ang inirereklamo mo? Ipadala ang pangalan ng agency, ahente o employer (0 kung hindi "
        "mo alam).",
        "origin": "Saang bansa ka galing? 1 Nepal, 2 Bangladesh, 3 India, 4 Pilipinas, 5 Indonesia, 6 Sri Lanka, "
        "7 Pakistan, 8 iba pa (o ipadala ang pangalan ng bansa)",
        "destination": "Saang bansa ang trabaho? 1 Qatar, 2 Saudi Arabia, 3 UAE, 4 Kuwait, 5 Oman, 6 Bahrain, "
        "7 Malaysia, 8 iba pa (o ipadala ang pangalan ng bansa, hal. Hong Kong)",
        "paid": "Magkano ang kabuuang ibinayad mo para makuha ang trabaho? Hal. 50000 PHP (0 kung wala).",
        "purpose": "Para saan ang ibinayad mo? Magpadala ng isa o higit pang numero, hal. 1 2: 1 bayad sa ahensya o service charge, 2 tiket sa eroplano, 3 visa o work permit, 4 medical, 5 training, 6 iba pa o hindi alam",
        "wage": "Magkano ang buwanang sahod na ipinangako sa iyo? Hal. 1500 SAR (0 kung hindi mo alam).",
        "year": "Anong taon ka na-recruit? Hal. 2023",
        "domestic": "Domestic work ba ang trabaho, sa isang bahay? Sumagot ng 1 Oo, 2 Hindi.",
        "description": "Ikuwento nang maikli ang nangyari (0 para laktawan).",
        "name": "Ang pangalan mo? Ipadala ang 0 para hindi magpakilala. Hindi namin kailanman ibibigay ang pangalan "
        "mo sa recruiter.",
        "consent": "Maaari ba naming ipadala ang reklamo mo sa ahensiyang makakakilos? 1 Oo, kasama ang pangalan "
        "ko, 2 Oo, walang pangalan, 3 Hindi",
        "done": "Natanggap ang reklamo. Case code {code}, PIN {pin}. Ilihim ang mga ito. Ipadala ang STATUS para "
        "masubaybayan ang kaso, o sumulat pa para magdagdag ng impormasyon.",
        "not_understood": "Paumanhin, hindi ko naintindihan.",
        "welcome_back": "Maligayang pagbabalik. Itutuloy natin kung saan ka huminto (ipadala ang NEW para "
        "magsimula ulit).",
        "added": "Naidagdag sa kaso mo {code}. Salamat.",
        "too_many": "Masyadong maraming tanong mula sa numerong ito. Subukan ulit pagkalipas ng isang oras.",
        "status": "Kaso {code}: {status}.",
        "plan_open": "Pagbabalik ng pera: {paid} sa {amount} ang naibayad na; ang natitira ay dapat bayaran bago mag-{due}.",
        "plan_overdue": "Pagbabalik ng pera: {paid} sa {amount} ang naibayad; ang natitira ay dapat nabayaran bago mag-{due} at huli na. Naiakyat na ito.",
        "plan_settled": "Pagbabalik ng pera: buong {amount} ay naibayad na.",
        "owed": "Ang dapat ibalik sa iyo: {amount} ayon sa tuntuning employer ang magbabayad.",
        "owed_law": "Ayon sa batas ng {country}: {amount}.",
        "owed_law_pending": "Ayon sa batas ng {country}: susuriin muna ng isang tao kung para saan ang pera (magpadala ng STATUS mamaya).",
        "below_minimum": "Ang sahod na ipinangako sa iyo, {wage}, ay mas mababa sa legal na minimum na sahod sa {country}, {minimum} kada buwan. Hindi maaaring magbayad nang mas mababa ang employer.",
        "below_minimum_home": "Ang sahod na ipinangako sa iyo, {wage}, ay mas mababa sa minimum na sahod na itinakda ng {country} para sa mga manggagawa nito sa ibang bansa sa ganitong trabaho, {minimum} kada buwan.",
    },
    "id": {
        "danger": "Apakah Anda dalam bahaya sekarang? Balas 1 Ya, 2 Tidak.",
        "danger_ack": "Kami akan menangani pengaduan Anda sebagai hal mendesak. Jika nyawa Anda terancam, hubungi "
        "polisi atau kedutaan Anda sekarang.",
        "categories": "Apa yang terjadi? Kirim satu angka atau lebih, mis. 1 4: 1 membayar biaya, 2 dibohongi soal "
        "pekerjaan, 3 kontrak diganti, 4 paspor ditahan, 5 gaji tidak dibayar, 6 tidak boleh berhenti atau "
        "pulang, 7 kerja paksa, 8 pelecehan atau kekerasan, 9 lainnya",
        "respondent": "Pengaduan ini tentang siapa? Kirim nama agen, calo, atau pemberi kerja (0 jika tidak tahu).",
        "origin": "Anda berasal dari negara mana? 1 Nepal, 2 Bangladesh, 3 India, 4 Filipina, 5 Indonesia, "
        "6 Sri Lanka, 7 Pakistan, 8 lainnya (atau kirim nama negara)",
        "destination": "Di negara mana pekerjaannya? 1 Qatar, 2 Arab Saudi, 3 UEA, 4 Kuwait, 5 Oman, 6 Bahrain, "
        "7 Malaysia, 8 lainnya (atau kirim nama negara, mis. Taiwan)",
        "paid": "Berapa total yang Anda bayar untuk mendapat pekerjaan ini? Mis. 15000000 IDR (0 jika tidak ada).",
        "purpose": "Untuk apa uang itu dibayar? Kirim satu angka atau lebih, mis. 1 2: 1 biaya agen atau biaya jasa, 2 tiket pesawat, 3 visa atau izin kerja, 4 pemeriksaan kesehatan, 5 pelatihan, 6 lainnya atau tidak tahu",
        "wage": "Berapa gaji bulanan yang dijanjikan kepada Anda? Mis. 1500 MYR (0 jika tidak tahu).",
        "year": "Tahun berapa Anda direkrut? Mis. 2023",
        "domestic": "Apakah pekerjaannya pekerjaan rumah tangga, di sebuah rumah? Balas 1 Ya, 2 Tidak.",
        "description": "Ceritakan singkat apa yang terjadi (0 untuk melewati).",
        "name": "Nama Anda? Kirim 0 untuk tetap anonim. Kami tidak pernah memberikan nama Anda kepada perekrut.",
        "consent": "Bolehkah kami mengirim pengaduan Anda ke instansi yang dapat bertindak? 1 Ya, dengan nama saya, "
        "2 Ya, tanpa nama saya, 3 Tidak",
        "done": "Pengaduan diterima. Kode kasus {code}, PIN {pin}. Rahasiakan keduanya. Kirim STATUS untuk mengikuti "
        "kasus Anda, atau tulis lagi untuk menambah informasi.",
        "not_understood": "Maaf, saya tidak mengerti.",
        "welcome_back": "Selamat datang kembali. Kita lanjutkan dari tempat Anda berhenti (kirim NEW untuk mulai "
        "lagi).",
        "added": "Ditambahkan ke kasus Anda {code}. Terima kasih.",
        "too_many": "Terlalu banyak pertanyaan dari nomor ini. Silakan coba lagi satu jam lagi.",
        "status": "Kasus {code}: {status}.",
        "plan_open": "Pengembalian uang: {paid} dari {amount} sudah dibayar; sisanya jatuh tempo {due}.",
        "plan_overdue": "Pengembalian uang: {paid} dari {amount} sudah dibayar; sisanya jatuh tempo {due} dan terlambat. Ini sudah dieskalasi.",
        "plan_settled": "Pengembalian uang: {amount} sudah dibayar lunas.",
        "owed": "Yang seharusnya dikembalikan kepada Anda: {amount} menurut aturan bahwa pemberi kerja yang membayar.",
        "owed_law": "Menurut hukum {country}: {amount}.",
        "owed_law_pending": "Menurut hukum {country}: seseorang akan memeriksa dulu untuk apa uang itu (kirim STATUS nanti).",
        "below_minimum": "Gaji yang dijanjikan kepada Anda, {wage}, di bawah upah minimum menurut hukum di {country}, {minimum} sebulan. Pemberi kerja tidak boleh membayar lebih rendah.",
        "below_minimum_home": "Gaji yang dijanjikan kepada Anda, {wage}, di bawah upah minimum yang ditetapkan {country} bagi pekerjanya di luar negeri untuk pekerjaan ini, {minimum} sebulan.",
    },
    "vi": {
        "danger": "Bạn có đang gặp nguy hiểm không? Trả lời 1 Có, 2 Không.",
        "danger_ack": "Chúng tôi sẽ xử lý khiếu nại của bạn như việc khẩn cấp. Nếu tính mạng bạn bị đe dọa, hãy gọi "
        "ngay cảnh sát hoặc đại sứ quán.",
        "categories": "Chuyện gì đã xảy ra? Gửi một hoặc nhiều số, vd. 1 4: 1 đã trả phí, 2 bị lừa về công việc, "
        "3 hợp đồng bị thay đổi, 4 bị giữ hộ chiếu, 5 không được trả lương, 6 không được nghỉ việc hoặc về nước, "
        "7 bị cưỡng bức lao động, 8 bị quấy rối hoặc bạo lực, 9 khác",
        "respondent": "Khiếu nại về ai? Gửi tên công ty, môi giới hoặc chủ sử dụng lao động (0 nếu không biết).",
        "origin": "Bạn đến từ nước nào? 1 Nepal, 2 Bangladesh, 3 Ấn Độ, 4 Philippines, 5 Indonesia, 6 Sri Lanka, "
        "7 Pakistan, 8 khác (hoặc gửi tên nước, vd. Việt Nam)",
        "destination": "Bạn làm việc ở nước nào? 1 Qatar, 2 Ả Rập Xê-út, 3 UAE, 4 Kuwait, 5 Oman, 6 Bahrain, "
        "7 Malaysia, 8 khác (hoặc gửi tên nước, vd. Nhật Bản, Đài Loan)",
        "paid": "Tổng cộng bạn đã trả bao nhiêu để có việc? Vd. 120000000 VND (0 nếu không trả gì).",
        "purpose": "Bạn trả số tiền đó cho việc gì? Gửi một hoặc nhiều số, vd. 1 2: 1 phí môi giới hoặc phí dịch vụ của công ty, 2 vé máy bay, 3 thị thực hoặc giấy phép lao động, 4 khám sức khỏe, 5 đào tạo, 6 khác hoặc không biết",
        "wage": "Bạn được hứa lương tháng bao nhiêu? Vd. 1500 SAR (0 nếu không biết).",
        "year": "Bạn được tuyển năm nào? Vd. 2023",
        "domestic": "Công việc có phải là giúp việc gia đình, trong một hộ gia đình không? Trả lời 1 Có, 2 Không.",
        "description": "Kể ngắn gọn chuyện đã xảy ra (0 để bỏ qua).",
        "name": "Tên bạn? Gửi 0 để giấu tên. Chúng tôi không bao giờ đưa tên bạn cho bên tuyển dụng.",
        "consent": "Chúng tôi có thể gửi khiếu nại của bạn đến cơ quan có thể xử lý không? 1 Có, kèm tên tôi, "
        "2 Có, không kèm tên, 3 Không",
        "done": "Đã nhận khiếu nại. Mã hồ sơ {code}, PIN {pin}. Hãy giữ bí mật. Gửi STATUS để theo dõi hồ sơ, hoặc "
        "viết thêm để bổ sung thông tin.",
        "not_understood": "Xin lỗi, tôi không hiểu.",
        "welcome_back": "Chào mừng bạn trở lại. Chúng ta tiếp tục từ chỗ bạn dừng (gửi NEW để bắt đầu lại).",
        "added": "Đã thêm vào hồ sơ {code} của bạn. Cảm ơn.",
        "too_many": "Số này đã hỏi quá nhiều lần. Vui lòng thử lại sau một giờ.",
        "status": "Hồ sơ {code}: {status}.",
        "plan_open": "Hoàn tiền: đã trả {paid} trên {amount}; phần còn lại phải trả trước {due}.",
        "plan_overdue": "Hoàn tiền: đã trả {paid} trên {amount}; phần còn lại lẽ ra phải trả trước {due} và đã trễ. Việc này đã được báo lên cấp trên.",
        "plan_settled": "Hoàn tiền: đã trả đủ {amount}.",
        "owed": "Số tiền bạn cần được hoàn lại: {amount} theo nguyên tắc chủ sử dụng lao động trả.",
        "owed_law": "Theo luật của {country}: {amount}.",
        "owed_law_pending": "Theo luật của {country}: một người sẽ kiểm tra trước số tiền đó dùng cho việc gì (gửi STATUS sau).",
        "below_minimum": "Mức lương bạn được hứa, {wage}, thấp hơn lương tối thiểu theo luật ở {country}, {minimum} mỗi tháng. Chủ sử dụng lao động không được trả thấp hơn.",
        "below_minimum_home": "Mức lương bạn được hứa, {wage}, thấp hơn lương tối thiểu mà {country} quy định cho người lao động của mình ở nước ngoài làm công việc này, {minimum} mỗi tháng.",
    },
    "ar": {
        "danger": "هل أنت في خطر الآن؟ أرسل 1 نعم، 2 لا.",
        "danger_ack": "سنتعامل مع شكواك على أنها عاجلة. إذا كانت حياتك في خطر، اتصل بالشرطة أو بسفارتك الآن.",
        "categories": "ماذا حدث؟ أرسل رقماً أو أكثر، مثلاً 1 4: 1 دفعت رسوماً، 2 كذبوا عليّ بشأن العمل، 3 تغيّر العقد، 4 احتجزوا جوازي، 5 لم أتقاضَ أجري، 6 لا يُسمح لي بالمغادرة أو العودة، 7 عمل قسري، 8 تحرش أو عنف، 9 غير ذلك",
        "respondent": "ضد من الشكوى؟ أرسل اسم الوكالة أو الوسيط أو صاحب العمل (0 إن كنت لا تعرف).",
        "origin": "من أي بلد أنت؟ 1 نيبال، 2 بنغلاديش، 3 الهند، 4 الفلبين، 5 إندونيسيا، 6 سريلانكا، 7 باكستان، 8 غير ذلك (أو أرسل اسم البلد، مثلاً مصر)",
        "destination": "في أي بلد العمل؟ 1 قطر، 2 السعودية، 3 الإمارات، 4 الكويت، 5 عُمان، 6 البحرين، 7 ماليزيا، 8 غير ذلك (أو أرسل اسم البلد، مثلاً الأردن)",
        "paid": "كم دفعت في المجموع للحصول على العمل؟ مثلاً 20000 EGP (0 إن لم تدفع شيئاً).",
        "purpose": "لأي شيء دفعت هذا المبلغ؟ أرسل رقماً أو أكثر، مثلاً 1 2: 1 رسوم الوكالة أو رسوم الخدمة، 2 تذكرة الطيران، 3 التأشيرة أو تصريح العمل، 4 الفحص الطبي، 5 التدريب، 6 شيء آخر أو لا أعرف",
        "wage": "كم الأجر الشهري الذي وُعدت به؟ مثلاً 1500 SAR (0 إن كنت لا تعرف).",
        "year": "في أي سنة جرى توظيفك؟ مثلاً 2023",
        "domestic": "هل العمل عمل منزلي، في بيت؟ أرسل 1 نعم، 2 لا.",
        "description": "اكتب باختصار ما حدث (0 للتخطي).",
        "name": "ما اسمك؟ أرسل 0 لتبقى مجهول الهوية. لا نعطي اسمك أبداً لجهة التوظيف.",
        "consent": "هل نرسل شكواك إلى الجهة التي يمكنها التصرف؟ 1 نعم، باسمي، 2 نعم، دون اسمي، 3 لا",
        "done": "وصلت الشكوى. رمز القضية {code}، الرقم السري {pin}. احتفظ بهما سرّاً. أرسل STATUS لمتابعة قضيتك، أو اكتب المزيد لإضافة معلومات.",
        "not_understood": "عذراً، لم أفهم.",
        "welcome_back": "مرحباً بعودتك. نتابع من حيث توقفت (أرسل NEW للبدء من جديد).",
        "added": "أُضيف إلى قضيتك {code}. شكراً.",
        "too_many": "أسئلة كثيرة جداً من هذا الرقم. يرجى المحاولة مرة أخرى بعد ساعة.",
        "status": "القضية {code}: {status}.",
        "plan_open": "استرداد المال: دُفع {paid} من {amount} حتى الآن؛ والباقي مستحق بحلول {due}.",
        "plan_overdue": "استرداد المال: دُفع {paid} من {amount}؛ وكان الباقي مستحقاً بحلول {due} وقد تأخر. رُفع الأمر إلى مستوى أعلى.",
        "plan_settled": "استرداد المال: دُفع {amount} بالكامل.",
        "owed": "ما يجب أن يُردّ إليك: {amount} وفق قاعدة أن صاحب العمل هو من يدفع.",
        "owed_law": "وفق قانون {country}: {amount}.",
        "owed_law_pending": "وفق قانون {country}: سيتحقق شخص أولاً مما دُفع المال مقابله (أرسل STATUS لاحقاً).",
        "below_minimum": "الأجر الذي وُعدت به، {wage}، أقل من الحد الأدنى القانوني للأجور في {country}، وهو {minimum} شهرياً. لا يجوز لصاحب العمل أن يدفع أقل منه.",
        "below_minimum_home": "الأجر الذي وُعدت به، {wage}، أقل من الحد الأدنى للأجور الذي تحدده {country} لعمالها في الخارج في هذا العمل، وهو {minimum} شهرياً.",
    },
    "ru": {
        "danger": "Вы сейчас в опасности? Ответьте 1 Да, 2 Нет.",
        "danger_ack": "Мы рассмотрим вашу жалобу как срочную. Если вашей жизни угрожает опасность, позвоните сейчас в полицию или в посольство.",
        "categories": "Что случилось? Отправьте один или несколько номеров, например 1 4: 1 платил сборы, 2 обманули насчёт работы, 3 изменили договор, 4 забрали паспорт, 5 не платят зарплату, 6 не дают уйти или вернуться домой, 7 принудительный труд, 8 домогательства или насилие, 9 другое",
        "respondent": "На кого жалоба? Отправьте название агентства, имя посредника или работодателя (0, если не знаете).",
        "origin": "Из какой вы страны? 1 Непал, 2 Бангладеш, 3 Индия, 4 Филиппины, 5 Индонезия, 6 Шри-Ланка, 7 Пакистан, 8 другая (или отправьте название страны, например Узбекистан)",
        "destination": "В какой стране работа? 1 Катар, 2 Саудовская Аравия, 3 ОАЭ, 4 Кувейт, 5 Оман, 6 Бахрейн, 7 Малайзия, 8 другая (или отправьте название страны, например Россия)",
        "paid": "Сколько всего вы заплатили, чтобы получить работу? Например 5000000 UZS (0, если ничего).",
        "purpose": "За что были эти деньги? Отправьте один или несколько номеров, например 1 2: 1 плата агентству или за услуги, 2 авиабилет, 3 виза или разрешение на работу, 4 медосмотр, 5 обучение, 6 другое или не знаю",
        "wage": "Какую месячную зарплату вам обещали? Например 60000 RUB (0, если не знаете).",
        "year": "В каком году вас наняли? Например 2023",
        "domestic": "Это работа по дому, в частном доме? Ответьте 1 Да, 2 Нет.",
        "description": "Кратко опишите, что случилось (0 — пропустить).",
        "name": "Ваше имя? Отправьте 0, чтобы остаться анонимным. Мы никогда не сообщаем ваше имя нанимателю.",
        "consent": "Можно отправить вашу жалобу в орган, который может принять меры? 1 Да, с моим именем, 2 Да, без имени, 3 Нет",
        "done": "Жалоба получена. Код дела {code}, PIN {pin}. Храните их в тайне. Отправьте STATUS, чтобы узнать о деле, или напишите ещё, чтобы добавить сведения.",
        "not_understood": "Извините, я не понял.",
        "welcome_back": "С возвращением. Продолжим с того места, где вы остановились (отправьте NEW, чтобы начать заново).",
        "added": "Добавлено в ваше дело {code}. Спасибо.",
        "too_many": "Слишком много запросов с этого номера. Попробуйте снова через час.",
        "status": "Дело {code}: {status}.",
        "plan_open": "Возврат денег: выплачено {paid} из {amount}; остаток нужно выплатить до {due}.",
        "plan_overdue": "Возврат денег: выплачено {paid} из {amount}; остаток нужно было выплатить до {due}, срок пропущен. Дело передано выше.",
        "plan_settled": "Возврат денег: {amount} выплачено полностью.",
        "owed": "Вам должны вернуть: {amount} по правилу «платит работодатель».",
        "owed_law": "По закону страны {country}: {amount}.",
        "owed_law_pending": "По закону страны {country}: сначала сотрудник проверит, за что были деньги (отправьте STATUS позже).",
        "below_minimum": "Обещанная вам зарплата, {wage}, ниже минимальной зарплаты по закону страны {country}: {minimum} в месяц. Работодатель не может платить меньше.",
        "below_minimum_home": "Обещанная вам зарплата, {wage}, ниже минимальной зарплаты, которую страна {country} установила для своих работников за рубежом на такой работе: {minimum} в месяц.",
    },
    "es": {
        "danger": "¿Estás en peligro ahora? Responde 1 Sí, 2 No.",
        "danger_ack": "Trataremos tu queja como urgente. Si tu vida corre peligro, llama ahora a la policía o a tu embajada.",
        "categories": "¿Qué pasó? Envía uno o más números, p. ej. 1 4: 1 pagué comisiones, 2 me mintieron sobre el trabajo, 3 me cambiaron el contrato, 4 me quitaron el pasaporte, 5 no me pagan, 6 no me dejan irme ni volver a casa, 7 trabajo forzoso, 8 acoso o violencia, 9 otro",
        "respondent": "¿Contra quién es la queja? Envía el nombre de la agencia, el intermediario o el empleador (0 si no lo sabes).",
        "origin": "¿De qué país eres? 1 Nepal, 2 Bangladés, 3 India, 4 Filipinas, 5 Indonesia, 6 Sri Lanka, 7 Pakistán, 8 otro (o envía el nombre del país, p. ej. Guatemala)",
        "destination": "¿En qué país es el trabajo? 1 Catar, 2 Arabia Saudí, 3 Emiratos, 4 Kuwait, 5 Omán, 6 Baréin, 7 Malasia, 8 otro (o envía el nombre del país, p. ej. España)",
        "paid": "¿Cuánto pagaste en total para conseguir el trabajo? P. ej. 15000 GTQ (0 si nada).",
        "purpose": "¿Para qué era el dinero? Envía uno o más números, p. ej. 1 2: 1 cuota de la agencia o cargo por servicio, 2 boleto de avión, 3 visa o permiso de trabajo, 4 examen médico, 5 capacitación, 6 otra cosa o no sé",
        "wage": "¿Qué salario mensual te prometieron? P. ej. 1200 EUR (0 si no lo sabes).",
        "year": "¿En qué año te contrataron? P. ej. 2023",
        "domestic": "¿Es trabajo doméstico, en una casa? Responde 1 Sí, 2 No.",
        "description": "Cuéntanos brevemente qué pasó (0 para omitir).",
        "name": "¿Tu nombre? Envía 0 para seguir en el anonimato. Nunca damos tu nombre al reclutador.",
        "consent": "¿Podemos enviar tu queja a la autoridad que puede actuar? 1 Sí, con mi nombre, 2 Sí, sin mi nombre, 3 No",
        "done": "Queja recibida. Código del caso {code}, PIN {pin}. Guárdalos en secreto. Envía STATUS para seguir tu caso, o escribe más para añadir información.",
        "not_understood": "Perdón, no entendí.",
        "welcome_back": "Bienvenido de nuevo. Seguimos donde lo dejaste (envía NEW para empezar de nuevo).",
        "added": "Añadido a tu caso {code}. Gracias.",
        "too_many": "Demasiadas preguntas desde este número. Inténtalo de nuevo dentro de una hora.",
        "status": "Caso {code}: {status}.",
        "plan_open": "Devolución del dinero: pagado {paid} de {amount} hasta ahora; el resto vence el {due}.",
        "plan_overdue": "Devolución del dinero: pagado {paid} de {amount}; el resto vencía el {due} y está atrasado. Se ha escalado.",
        "plan_settled": "Devolución del dinero: {amount} pagado por completo.",
        "owed": "Lo que te deben devolver: {amount} según la regla de que paga el empleador.",
        "owed_law": "Según la ley de {country}: {amount}.",
        "owed_law_pending": "Según la ley de {country}: primero una persona revisará para qué era el dinero (envía STATUS más tarde).",
        "below_minimum": "El salario que te prometieron, {wage}, está por debajo del salario mínimo legal en {country}, {minimum} al mes. El empleador no puede pagar menos.",
        "below_minimum_home": "El salario que te prometieron, {wage}, está por debajo del salario mínimo que {country} fija para sus trabajadores en el extranjero en este trabajo, {minimum} al mes.",
    },
    "my": {
        "danger": "ယခု သင် အန္တရာယ်ရှိနေပါသလား။ ၁ ဟုတ်၊ ၂ မဟုတ် ဟု ပြန်ပို့ပါ။",
        "danger_ack": "သင့်တိုင်ကြားချက်ကို အရေးပေါ်အဖြစ် ကိုင်တွယ်ပါမည်။ အသက်အန္တရာယ်ရှိလျှင် ရဲ သို့မဟုတ် သံရုံးကို ယခုပင် ဖုန်းဆက်ပါ။",
        "categories": "ဘာဖြစ်ခဲ့သလဲ။ နံပါတ်တစ်ခု သို့မဟုတ် တစ်ခုထက်ပို ပို့ပါ၊ ဥပမာ ၁ ၄- ၁ အခကြေးငွေ ပေးခဲ့ရ၊ ၂ အလုပ်အကြောင်း လိမ်ခဲ့၊ ၃ စာချုပ် ပြောင်းခဲ့၊ ၄ ပတ်စ်ပို့ သိမ်းထား၊ ၅ လစာ မရ၊ ၆ ထွက်ခွာခွင့် သို့မဟုတ် အိမ်ပြန်ခွင့် မရ၊ ၇ အတင်းအဓမ္မ အလုပ်ခိုင်း၊ ၈ နှောင့်ယှက်ခြင်း သို့မဟုတ် အကြမ်းဖက်ခြင်း၊ ၉ အခြား",
        "respondent": "မည်သူ့ကို တိုင်ကြားသလဲ။ အေဂျင်စီ၊ ပွဲစား သို့မဟုတ် အလုပ်ရှင်၏ အမည်ကို ပို့ပါ (မသိလျှင် ၀)။",
        "origin": "သင် မည်သည့်နိုင်ငံမှလဲ။ ၁ နီပေါ၊ ၂ ဘင်္ဂလားဒေ့ရှ်၊ ၃ အိန္ဒိယ၊ ၄ ဖိလစ်ပိုင်၊ ၅ အင်ဒိုနီးရှား၊ ၆ သီရိလင်္ကာ၊ ၇ ပါကစ္စတန်၊ ၈ အခြား (သို့မဟုတ် နိုင်ငံအမည် ပို့ပါ၊ ဥပမာ မြန်မာ)",
        "destination": "အလုပ်က မည်သည့်နိုင်ငံတွင်လဲ။ ၁ ကာတာ၊ ၂ ဆော်ဒီအာရေးဘီးယား၊ ၃ ယူအေအီး၊ ၄ ကူဝိတ်၊ ၅ အိုမန်၊ ၆ ဘာရိန်း၊ ၇ မလေးရှား၊ ၈ အခြား (သို့မဟုတ် နိုင်ငံအမည် ပို့ပါ၊ ဥပမာ ထိုင်း)",
        "paid": "အလုပ်ရဖို့ စုစုပေါင်း ဘယ်လောက် ပေးခဲ့ရသလဲ။ ဥပမာ 2000000 MMK (ဘာမှမပေးရလျှင် ၀)။",
        "purpose": "ဒီငွေကို ဘာအတွက် ပေးခဲ့ပါသလဲ။ နံပါတ်တစ်ခု သို့မဟုတ် တစ်ခုထက်ပို ပို့ပါ၊ ဥပမာ ၁ ၂- ၁ အေဂျင်စီခ သို့မဟုတ် ဝန်ဆောင်ခ၊ ၂ လေယာဉ်လက်မှတ်၊ ၃ ဗီဇာ သို့မဟုတ် အလုပ်ပါမစ်၊ ၄ ဆေးစစ်ခ၊ ၅ သင်တန်း၊ ၆ အခြား သို့မဟုတ် မသိပါ",
        "wage": "လစဉ် လစာ ဘယ်လောက် ပေးမည်ဟု ကတိပေးခဲ့သလဲ။ ဥပမာ 1500 MYR (မသိလျှင် ၀)။",
        "year": "မည်သည့်နှစ်တွင် အလုပ်ခန့်ခံခဲ့ရသလဲ။ ဥပမာ 2023",
        "domestic": "ဤအလုပ်သည် အိမ်တစ်အိမ်တွင် လုပ်ရသော အိမ်အကူအလုပ် ဖြစ်ပါသလား။ ၁ ဟုတ်၊ ၂ မဟုတ် ဟု ပြန်ပို့ပါ။",
        "description": "ဘာဖြစ်ခဲ့သလဲ အတိုချုပ် ရေးပါ (ကျော်ရန် ၀)။",
        "name": "သင့်အမည်။ အမည်မဖော်လိုလျှင် ၀ ပို့ပါ။ သင့်အမည်ကို အလုပ်ရှာဖွေရေးအေဂျင်စီသို့ ဘယ်တော့မှ မပေးပါ။",
        "consent": "သင့်တိုင်ကြားချက်ကို အရေးယူနိုင်သော အဖွဲ့ထံ ပို့ခွင့်ရှိပါသလား။ ၁ ဟုတ်၊ ကျွန်ုပ်အမည်နှင့်၊ ၂ ဟုတ်၊ အမည်မပါဘဲ၊ ၃ မဟုတ်",
        "done": "တိုင်ကြားချက် ရရှိပါပြီ။ အမှုကုဒ် {code}၊ PIN {pin}။ လျှို့ဝှက်ထားပါ။ အမှုအခြေအနေ သိရန် STATUS ပို့ပါ၊ သို့မဟုတ် အချက်အလက် ထပ်ထည့်ရန် ထပ်ရေးပါ။",
        "not_understood": "တောင်းပန်ပါတယ်၊ နားမလည်ပါ။",
        "welcome_back": "ပြန်လာတာ ကြိုဆိုပါတယ်။ ရပ်ခဲ့သည့်နေရာမှ ဆက်ပါမည် (အစမှ ပြန်စရန် NEW ပို့ပါ)။",
        "added": "သင့်အမှု {code} တွင် ထည့်ပြီးပါပြီ။ ကျေးဇူးတင်ပါတယ်။",
        "too_many": "ဤနံပါတ်မှ မေးခွန်းများလွန်းနေသည်။ တစ်နာရီအကြာတွင် ထပ်ကြိုးစားပါ။",
        "status": "အမှု {code}- {status}။",
        "plan_open": "ငွေပြန်အမ်းခြင်း- {amount} အနက် ယခုထိ {paid} ပေးပြီးပါပြီ၊ ကျန်ငွေကို {due} နောက်ဆုံးထား ပေးရမည်။",
        "plan_overdue": "ငွေပြန်အမ်းခြင်း- {amount} အနက် {paid} ပေးပြီးပါပြီ၊ ကျန်ငွေကို {due} တွင် ပေးရမည်ဖြစ်သော်လည်း နောက်ကျနေပါသည်။ အထက်သို့ တင်ပြထားပါသည်။",
        "plan_settled": "ငွေပြန်အမ်းခြင်း- {amount} အပြည့် ပေးပြီးပါပြီ။",
        "owed": "သင့်ထံ ပြန်ပေးရမည့်ငွေ- အလုပ်ရှင်က ပေးရမည်ဟူသော စည်းမျဉ်းအရ {amount}။",
        "owed_law": "{country} ဥပဒေအရ- {amount}။",
        "owed_law_pending": "{country} ဥပဒေအရ- ငွေကို ဘာအတွက် ပေးခဲ့သလဲ ဦးစွာ တစ်ဦးက စစ်ဆေးပါမည် (နောက်မှ STATUS ပို့ပါ)။",
        "below_minimum": "သင့်အား ကတိပေးခဲ့သော လစာ {wage} သည် {country} ၏ ဥပဒေအရ အနည်းဆုံးလုပ်ခ တစ်လ {minimum} ထက် နည်းပါသည်။ အလုပ်ရှင်သည် ယင်းထက် နည်း၍ မပေးရပါ။",
        "below_minimum_home": "သင့်အား ကတိပေးခဲ့သော လစာ {wage} သည် ဤအလုပ်အတွက် နိုင်ငံခြားရှိ မိမိအလုပ်သမားများအား {country} သတ်မှတ်ထားသော အနည်းဆုံးလုပ်ခ တစ်လ {minimum} ထက် နည်းပါသည်။",
    },
}
# Each language's own name, as the menu shows it (in LANGUAGES order: the menu's numbers).
NATIVE_NAMES = {
    "en": "English", "ne": "नेपाली", "bn": "বাংলা", "hi": "हिन्दी", "fil": "Filipino", "id": "Bahasa Indonesia",
    "vi": "Tiếng Việt", "ar": "العربية", "ru": "Русский", "es": "Español", "my": "မြန်မာ",
}
# Sent when the first message does not show its language: three SMS segments (the scripts make it UCS-2).
LANGUAGE_MENU = "FairRecruit complaints. Reply " + ", ".join(
    f"{n} {NATIVE_NAMES[lang]}" for n, lang in enumerate(LANGUAGES, start=1)
)
STATUS_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "received": "received",
        "triaged": "being assessed",
        "referred": "sent to the body that can act",
        "investigating": "being investigated",
        "remediation": "remedy being paid",
        "closed": "closed",
    },
    "ne": {
        "received": "प्राप्त भयो",
        "triaged": "जाँच हुँदैछ",
        "referred": "कारबाही गर्ने निकायमा पठाइयो",
        "investigating": "अनुसन्धान हुँदैछ",
        "remediation": "क्षतिपूर्ति भुक्तानी हुँदैछ",
        "closed": "बन्द भयो",
    },
    "bn": {
        "received": "পাওয়া গেছে",
        "triaged": "যাচাই চলছে",
        "referred": "ব্যবস্থা নিতে পারে এমন সংস্থায় পাঠানো হয়েছে",
        "investigating": "তদন্ত চলছে",
        "remediation": "ক্ষতিপূরণ দেওয়া হচ্ছে",
        "closed": "বন্ধ",
    },
    "hi": {
        "received": "मिल गई",
        "triaged": "जाँच हो रही है",
        "referred": "कार्रवाई करने वाली संस्था को भेजी गई",
        "investigating": "जाँच-पड़ताल चल रही है",
        "remediation": "मुआवज़ा दिया जा रहा है",
        "closed": "बंद",
    },
    "fil": {
        "received": "natanggap",
        "triaged": "sinusuri",
        "referred": "ipinadala sa ahensiyang makakakilos",
        "investigating": "iniimbestigahan",
        "remediation": "binabayaran ang danyos",
        "closed": "sarado",
    },
    "id": {
        "received": "diterima",
        "triaged": "sedang dinilai",
        "referred": "dikirim ke instansi yang dapat bertindak",
        "investigating": "sedang diselidiki",
        "remediation": "ganti rugi sedang dibayar",
        "closed": "ditutup",
    },
    "vi": {
        "received": "đã nhận",
        "triaged": "đang xem xét",
        "referred": "đã chuyển đến cơ quan có thể xử lý",
        "investigating": "đang điều tra",
        "remediation": "đang bồi thường",
        "closed": "đã đóng",
    },
    "ar": {
        "received": "وصلت",
        "triaged": "قيد التقييم",
        "referred": "أُرسلت إلى الجهة التي يمكنها التصرف",
        "investigating": "قيد التحقيق",
        "remediation": "يجري دفع التعويض",
        "closed": "أُغلقت",
    },
    "ru": {
        "received": "получено",
        "triaged": "рассматривается",
        "referred": "передано в орган, который может принять меры",
        "investigating": "расследуется",
        "remediation": "выплачивается возмещение",
        "closed": "закрыто",
    },
    "es": {
        "received": "recibida",
        "triaged": "en evaluación",
        "referred": "enviada a la autoridad que puede actuar",
        "investigating": "en investigación",
        "remediation": "se está pagando la reparación",
        "closed": "cerrada",
    },
    "my": {
        "received": "ရရှိပြီ",
        "triaged": "စိစစ်နေသည်",
        "referred": "အရေးယူနိုင်သော အဖွဲ့ထံ ပို့ပြီး",
        "investigating": "စုံစမ်းစစ်ဆေးနေသည်",
        "remediation": "လျော်ကြေးပေးနေသည်",
        "closed": "ပိတ်ပြီး",
    },
}

CATEGORY_MENU = (
    "fees",
    "deception",
    "contract_substitution",
    "documents_retained",
    "wages",
    "restricted_movement",
    "forced_labour",
    "harassment_violence",
    "other",
)
# What the money paid was for (the reply to "purpose"): cost items of the fee standards' taxonomy
# (standards/rules/taxonomy.yaml); the last, "other or do not know", is None.
PURPOSE_MENU = ("service_fee", "air_ticket", "visa", "medical", "training", None)
ORIGIN_MENU = ("NP", "BD", "IN", "PH", "ID", "LK", "PK", "")
DESTINATION_MENU = ("QA", "SA", "AE", "KW", "OM", "BH", "MY", "")
def _local_currency(country: str) -> str:
    """The currency of a country today (the CLDR's, through Babel): an amount typed without one is taken in it."""
    found = get_territory_currencies(country, tender=True) if country else []
    return found[0] if found else ""
NEW_WORDS = {"new", "restart", "नयाँ", "নতুন", "नया", "bago", "baru", "mới", "جديد", "заново", "nuevo", "အသစ်"}
STATUS_WORDS = {"status", "स्थिति", "অবস্থা", "katayuan", "trạng thái", "حالة", "статус", "estado", "အခြေအနေ"}
HELP_WORDS = {"help", "?"}
# Devanagari, Bengali, Myanmar, Arabic-Indic and Persian digits (and Myanmar's letter wa, typed for zero).
_DIGITS = str.maketrans("०१२३४५६७८९০১২৩৪৫৬৭৮৯၀၁၂၃၄၅၆၇၈၉٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 5)
_YES = {"1", "yes", "y", "हो", "हजुर", "হ্যাঁ", "হা", "हाँ", "हां", "oo", "opo", "ya", "iya", "có", "نعم", "да", "sí", "si",
        "ဟုတ်"}
_NO = {"2", "no", "n", "होइन", "छैन", "না", "नहीं", "hindi", "tidak", "không", "لا", "нет", "မဟုတ်"}


def normalise(text: str) -> str:
    t = " ".join((text or "").translate(_DIGITS).split())
    return "0" if t == "\u101d" else t  # Myanmar's letter wa, which looks like its zero and is often typed for it


class _Invalid(ValueError):
    pass


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", normalise(text))]


# A language's name as workers may type it, besides its menu number and its code (``LANGUAGES``).
_LANGUAGE_NAMES = {name.casefold(): code for code, name in NATIVE_NAMES.items()} | {
    "nepali": "ne", "bangla": "bn", "bengali": "bn", "हिंदी": "hi", "hindi": "hi", "tagalog": "fil",
    "bahasa": "id", "indonesia": "id", "tieng viet": "vi", "vietnamese": "vi", "arabic": "ar", "russian": "ru",
    "espanol": "es", "spanish": "es", "burmese": "my", "myanmar": "my",
}


def _parse_language(text: str) -> str:
    """The menu's number (``LANGUAGE_MENU`` lists ``LANGUAGES`` in order), a language code or a language's name."""
    t = normalise(text).casefold()
    if t.isdecimal() and 1 <= int(t) <= len(LANGUAGES):
        return LANGUAGES[int(t) - 1]
    if t in LANGUAGES:
        return t
    if t in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[t]
    raise _Invalid


def _parse_yes_no(text: str) -> bool:
    t = normalise(text).casefold()
    if t in _YES:
        return True
    if t in _NO:
        return False
    raise _Invalid


def _parse_categories(text: str) -> list[str]:
    nums = _numbers(text)
    if not nums or any(n < 1 or n > len(CATEGORY_MENU) for n in nums):
        raise _Invalid
    return [CATEGORY_MENU[n - 1] for n in dict.fromkeys(nums)]


def _parse_purpose(text: str) -> list[str | None]:
    nums = _numbers(text)
    if not nums or any(n < 1 or n > len(PURPOSE_MENU) for n in nums):
        raise _Invalid
    return [PURPOSE_MENU[n - 1] for n in dict.fromkeys(nums)]


def _parse_text(text: str, *, limit: int = 1000) -> str:
    t = (text or "").strip()
    if not t:
        raise _Invalid
    return "" if normalise(t) == "0" else t[:limit]


def _country(text: str, menu: tuple[str, ...]) -> str:
    t = normalise(text)
    if t.isdecimal():
        n = int(t)
        if 1 <= n <= len(menu):
            return menu[n - 1]
        raise _Invalid
    if re.fullmatch(r"[A-Za-z]{2}", t) and pycountry.countries.get(alpha_2=t.upper()):
        return t.upper()
    try:
        return str(pycountry.countries.lookup(t).alpha_2)
    except LookupError:
        pass
    code = country_code(t)  # a name in any of the site's languages: "नेपाल", "قطر", "Hàn Quốc"
    if code is None:
        raise _Invalid
    return code


def _money(text: str, default_currency: str) -> dict[str, Any] | None:
    t = normalise(text).upper().replace(",", "")
    if t == "0":
        return None
    m = re.fullmatch(r"([A-Z]{3})?\s*(\d+(?:\.\d+)?)\s*([A-Z]{3})?", t)
    if not m or float(m.group(2)) <= 0:
        raise _Invalid
    currency = m.group(1) or m.group(3) or default_currency
    if not currency or not pycountry.currencies.get(alpha_3=currency):
        raise _Invalid
    return {"amount": float(m.group(2)), "currency": currency}


def _parse_year(text: str, today: dt.date) -> int:
    nums = _numbers(text)
    if len(nums) != 1 or not (1980 <= nums[0] <= today.year):
        raise _Invalid
    return nums[0]


def _paid(a: dict[str, Any]) -> bool:
    return bool(a.get("paid"))


def _domestic_matters(a: dict[str, Any]) -> bool:
    """Asked only where the answer changes what the law allows (the rule files' ``applies_to: domestic_work``)."""
    from fairrecruit.standards.loader import get_rules

    return get_rules().depends_on_domestic_work(a.get("origin") or "", a.get("destination") or "")


@dataclass(frozen=True)
class Step:
    key: str
    parse: Callable[[str, dict[str, Any], dt.date], Any]
    when: Callable[[dict[str, Any]], bool] = lambda a: True


STEPS: tuple[Step, ...] = (
    Step("danger", lambda t, a, d: _parse_yes_no(t)),
    Step("categories", lambda t, a, d: _parse_categories(t)),
    Step("respondent", lambda t, a, d: _parse_text(t, limit=300)),
    Step("origin", lambda t, a, d: _country(t, ORIGIN_MENU)),
    Step("destination", lambda t, a, d: _country(t, DESTINATION_MENU)),
    Step(
        "paid",
        lambda t, a, d: _money(t, _local_currency(a.get("origin") or "")),
        when=lambda a: "fees" in (a.get("categories") or []),
    ),
    Step("purpose", lambda t, a, d: _parse_purpose(t), when=_paid),
    Step("wage", lambda t, a, d: _money(t, _local_currency(a.get("destination") or "")), when=_paid),
    Step("year", lambda t, a, d: _parse_year(t, d), when=_paid),
    Step("domestic", lambda t, a, d: _parse_yes_no(t), when=lambda a: _paid(a) and _domestic_matters(a)),
    Step("description", lambda t, a, d: _parse_text(t)),
    Step("name", lambda t, a, d: _parse_text(t, limit=200)),
    Step("consent", lambda t, a, d: _parse_consent(t)),
)
STEP_BY_KEY = {s.key: s for s in STEPS}


def _parse_consent(text: str) -> str:
    t = normalise(text)
    options = {"1": "identity", "2": "share", "3": "none"}
    if t in options:
        return options[t]
    raise _Invalid


@dataclass
class Outcome:
    state: dict[str, Any]
    replies: list[str] = field(default_factory=list)
    complete: dict[str, Any] | None = None  # the answers, when the last question was answered
    add_info: str | None = None  # a message to add to the finished complaint
    want_status: bool = False


def message(lang: str, key: str, **kw: str) -> str:
    table = MESSAGES.get(lang) or MESSAGES["en"]
    return (table.get(key) or MESSAGES["en"][key]).format(**kw)


def owed_messages(lang: str, result: dict[str, Any]) -> list[str]:
    """What the fee assessment of a complaint says should come back to the worker, for the reply: the amount
    under the zero-fee standard, then under each national law that was fully assessed and owes something, or
    that a person must first check what a payment was for."""
    out = []
    for s in result.get("standards") or []:
        owed = s.get("owed") or {}
        if s.get("country") and _waits_for_a_person(s):
            out.append(message(lang, "owed_law_pending", country=country_name(s["country"], lang)))
            continue
        if not owed.get("amount") or s.get("status") == "no_rule":
            continue
        with translation.override(lang):  # "1,50,000 NPR" in Nepali; "150.000" in Vietnamese, not "150,000"
            amount = money(round(owed["amount"]), owed.get("currency"), sms=True)
        if not s.get("country"):
            out.append(message(lang, "owed", amount=amount))
        elif s.get("status") == "assessed":
            out.append(message(lang, "owed_law", country=country_name(s["country"], lang), amount=amount))
    return out


def _waits_for_a_person(standard: dict[str, Any]) -> bool:
    """A law assessed only in part because a payment's purpose could not be told (a person must check it)."""
    return standard.get("status") == "incomplete" and any(
        g.get("code") == "unclassified" for g in standard.get("gaps") or ())


def minimum_wage_messages(lang: str, wages: list[Any]) -> list[str]:
    """For the reply to a new complaint: each promised wage below a legal minimum wage that covers the worker
    (``grievances.selectors.wages_below_minimum``): the destination's, or the one the worker's own country sets for
    this work abroad; amounts as the worker's language writes them."""
    out = []
    for w in wages:
        mw = w.check.minimum
        if w.which != "promised":
            continue
        with translation.override(lang):
            wage, minimum = money(w.amount, w.currency, sms=True), money(mw.wage.amount, mw.wage.currency, sms=True)
        key = "below_minimum" if mw.country == w.destination else "below_minimum_home"
        out.append(message(lang, key, wage=wage, minimum=minimum, country=country_name(mw.country, lang)))
    return out


def plan_messages(lang: str, plans: list[dict[str, Any]]) -> list[str]:
    """For the reply to STATUS: each remedy plan's progress (``grievances.selectors.remedy_progress``), amounts as
    the worker's language writes them, the due date as YYYY-MM-DD."""
    out = []
    for p in plans:
        with translation.override(lang):
            amount, paid = money(p["amount"], p["currency"], sms=True), money(p["paid"], p["currency"], sms=True)
        key = {"settled": "plan_settled", "overdue": "plan_overdue"}.get(p["status"], "plan_open")
        out.append(message(lang, key, amount=amount, paid=paid, due=p["due_date"].isoformat()))
    return out


def status_label(lang: str, status: str) -> str:
    return (STATUS_LABELS.get(lang) or STATUS_LABELS["en"]).get(status, status)


def _next_step(after: str | None, answers: dict[str, Any]) -> str:
    keys = [s.key for s in STEPS]
    start = keys.index(after) + 1 if after in keys else 0
    for s in STEPS[start:]:
        if s.when(answers):
            return s.key
    return DONE


# GSM 03.38: the 7-bit default alphabet and the characters of its extension table (each sent as two).
_GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = frozenset("^{}\\[~]|€")


def sms_segments(text: str) -> int:
    """How many SMS a gateway sends for ``text``: 160 characters in one (153 per part when joined) in the GSM
    7-bit alphabet, else UCS-2: 70 UTF-16 units in one (67 per part). Every part is paid for."""
    if all(ch in _GSM7 or ch in _GSM7_EXTENSION for ch in text):
        units, single, part = sum(2 if ch in _GSM7_EXTENSION else 1 for ch in text), 160, 153
    else:
        units, single, part = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else -(-units // part)


def _prompt(lang: str, step: str) -> str:
    return LANGUAGE_MENU if step == "language" else message(lang, step)


def new_state(now: dt.datetime) -> dict[str, Any]:
    return {"step": "language", "lang": "en", "answers": {}, "updated": now.isoformat()}


def handle(
    state: dict[str, Any] | None,
    text: str,
    *,
    now: dt.datetime,
    resume_after: dt.timedelta = dt.timedelta(minutes=30),
) -> Outcome:
    """One incoming message: the new state and what to answer (see the module docstring)."""
    word = normalise(text).casefold()
    if state is None:
        state = new_state(now)
        # A first message in a known language's script picks that language and skips the menu.
        script = script_language(text)
        if script:
            state["lang"], state["step"] = script, "danger"
        state["updated"] = now.isoformat()
        return Outcome(state, [_prompt(state["lang"], state["step"])])
    state = {**state, "answers": dict(state.get("answers") or {})}
    lang = state.get("lang") or "en"
    last = dt.datetime.fromisoformat(state.get("updated") or now.isoformat())
    state["updated"] = now.isoformat()
    step = state.get("step") or "language"

    if word in NEW_WORDS:
        fresh = new_state(now)
        fresh["lang"] = lang
        fresh["step"] = "danger" if step != "language" else "language"
        for k in ("case_code",):
            if k in state:
                fresh[k] = state[k]
        return Outcome(fresh, [_prompt(lang, fresh["step"])])
    if step == DONE:
        if word in STATUS_WORDS:
            return Outcome(state, want_status=True)
        if word in HELP_WORDS or not word:
            return Outcome(state, want_status=True)
        return Outcome(state, add_info=text.strip()[:2000])
    if now - last > resume_after:
        return Outcome(state, [message(lang, "welcome_back"), _prompt(lang, step)])
    if word in HELP_WORDS:
        return Outcome(state, [_prompt(lang, step)])

    today = now.date()
    try:
        if step == "language":
            value: Any = _parse_language(text)
        else:
            value = STEP_BY_KEY[step].parse(text, state["answers"], today)
    except _Invalid:
        return Outcome(state, [message(lang, "not_understood") + " " + _prompt(lang, step)])

    replies: list[str] = []
    if step == "language":
        state["lang"] = lang = value
        nxt = "danger"
    else:
        state["answers"][step] = value
        if step == "danger" and value:
            replies.append(message(lang, "danger_ack"))
        nxt = _next_step(step, state["answers"])
    state["step"] = nxt
    if nxt == DONE:
        return Outcome(state, replies, complete=dict(state["answers"]))
    replies.append(_prompt(lang, nxt))
    return Outcome(state, replies)


_HINDI_WORDS = {"है", "हैं", "नहीं", "मैं", "मुझे", "मेरा", "मेरी", "क्या", "हूँ", "हूं", "था", "थी", "गया", "किया"}
_NEPALI_WORDS = {"छ", "छैन", "हो", "म", "मलाई", "मेरो", "गर्नु", "भयो", "हुनुहुन्छ", "थियो", "गरे"}
_URDU = re.compile(r"[\u0679\u0688\u0691\u06BA\u06BE\u06C1\u06D2\u06D3]")  # letters of Urdu, not of Arabic
_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def script_language(text: str) -> str | None:
    """The language a first message is plainly written in, by its script (Devanagari: Hindi when it has more
    Hindi than Nepali words, else Nepali; Bengali; Arabic script without Urdu's own letters; Cyrillic; Myanmar;
    Latin with Vietnamese letters), else None (the menu: Urdu, Spanish, Filipino, Indonesian, English)."""
    text = text or ""
    if re.search(r"[\u0900-\u097F]", text):
        words = set(re.findall(r"[\u0900-\u097F]+", text))
        return "hi" if len(words & _HINDI_WORDS) > len(words & _NEPALI_WORDS) else "ne"
    if re.search(r"[\u0980-\u09FF]", text):
        return "bn"
    if re.search(r"[\u0600-\u06FF]", text) and not _URDU.search(text):
        return "ar"
    if re.search(r"[\u0400-\u04FF]", text):
        return "ru"
    if re.search(r"[\u1000-\u109F]", text):
        return "my"
    if _VIETNAMESE.search(text):
        return "vi"
    return None


def complaint_fields(answers: dict[str, Any], *, today: dt.date) -> dict[str, Any]:
    """The complaint (``services.ComplaintInput`` fields) that a finished conversation's answers make."""
    out: dict[str, Any] = {
        "categories": list(answers.get("categories") or ["other"]),
        "in_danger": bool(answers.get("danger")),
        "respondent_name": answers.get("respondent") or "",
        "origin": answers.get("origin") or "",
        "destination": answers.get("destination") or "",
        "description": answers.get("description") or "",
        "worker_name": answers.get("name") or "",
        "anonymous": not answers.get("name"),
    }
    consent = answers.get("consent") or "none"
    out["consent_share"] = consent in ("identity", "share")
    out["consent_identity"] = consent == "identity" and bool(answers.get("name"))
    paid = answers.get("paid")
    if paid:
        payment = {"amount": paid["amount"], "currency": paid["currency"], "purpose": "total paid"}
        items = answers.get("purpose") or []
        if len(items) == 1 and items[0]:  # all of it for one thing: the fee rules can judge it
            payment["category"] = items[0]
        elif len(items) > 1:  # several things, amounts not known: a person splits it (never guessed)
            payment["includes"] = [i or "other" for i in items]
        out["payments"] = [payment]
        if answers.get("year"):
            out["recruitment_year"] = int(answers["year"])
        wage = answers.get("wage")
        if wage:
            out["wage_promised_amount"] = wage["amount"]
            out["wage_promised_currency"] = wage["currency"]
        out["domestic_work"] = answers.get("domestic") is True
    return out
