"""A seeded generator of a realistic, entirely synthetic recruitment registry (no real persons or agencies).

It makes what the registry holds in production, at any size: licensed agencies in NP, PH, BD, IN, ID, LK and VN
(names built from word lists per country, addresses, phones in national formats, licence numbers in each
regulator's format, licence histories), sub-agents and individual brokers who work for them, destination agencies
and employers in QA, AE, SA and MY, job orders, and duplicate records of the same actors as they appear in other
lists and in worker reports (name variants, typos, other scripts, reformatted phones and licence numbers, missing
fields). Every record carries ``cluster_id``, the true identity, so record linkage can be measured.

Plain Python (no Django) except ``load_into_db``, which writes a registry through the registry's models in bulk.
The same seed always gives the same registry.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fairrecruit.core.models import User

# "today" for the generated histories, so a seed always gives the same data; the demo moves every date so that
# this day falls on the day it is loaded (``generate_registry(..., as_of=)``, ``Registry.shifted``).
REFERENCE_DATE = dt.date(2025, 6, 30)
ORIGINS = ["NP", "PH", "BD", "IN", "ID", "LK", "VN"]
DESTINATIONS = ["QA", "AE", "SA", "MY"]
ORIGIN_WEIGHTS = [22, 16, 18, 16, 12, 8, 8]

# Regulators: (identifier, name, country). Identifiers of the actors they license start with the same code.
REGULATORS = {
    "NP": ("NP-DOFE", "Department of Foreign Employment"),
    "PH": ("PH-DMW", "Department of Migrant Workers"),
    "BD": ("BD-BMET", "Bureau of Manpower, Employment and Training"),
    "IN": ("IN-MEA", "Protector General of Emigrants, Ministry of External Affairs"),
    "ID": ("ID-KP2MI", "Ministry of Protection of Indonesian Migrant Workers"),
    "LK": ("LK-SLBFE", "Sri Lanka Bureau of Foreign Employment"),
    "VN": ("VN-DOLAB", "Department of Overseas Labour"),
    "QA": ("QA-MOL", "Ministry of Labour"),
    "AE": ("AE-MOHRE", "Ministry of Human Resources and Emiratisation"),
    "SA": ("SA-HRSD", "Ministry of Human Resources and Social Development"),
    "MY": ("MY-JTK", "Labour Department of Peninsular Malaysia"),
}
# Registers that were replaced by a new regulator: an older list of the same agencies, in the older format.
LEGACY_REGULATORS = {
    "PH": ("PH-POEA", "Philippine Overseas Employment Administration (until 2023)"),
    "ID": ("ID-BP2MI", "Indonesian Migrant Workers Protection Agency (until 2024)"),
}
CURRENCY = {"QA": "QAR", "AE": "AED", "SA": "SAR", "MY": "MYR"}
LICENCE_TERM_YEARS = {
    "NP": 1,
    "PH": 4,
    "BD": 3,
    "IN": 5,
    "ID": 5,
    "LK": 1,
    "VN": 7,
    "QA": 2,
    "AE": 2,
    "SA": 3,
    "MY": 2,
}

# ---------------------------------------------------------------------------------------------- word lists
SHARED_WORDS = """Golden Crest Star Sky Royal Pacific Ocean Blue Green Silver Diamond Pearl Crown Eagle Falcon Lotus
Rose Orchid Sun Moon Rainbow Horizon Vision Unity Trust Bright Future Prime Apex Summit Pioneer Victory Liberty
Heritage Harmony Paradise Galaxy Planet Alpha Omega Delta Fortune Ace Noble Grand Metro Capital Smart Swift Dream
Hope Faith Classic Elite Premier Supreme Kings Crystal Emerald Sapphire Ruby Jade Coral Phoenix Zenith Infinity
Modern United First Asian Eastern Oriental Sunrise Sunshine Bridge Gateway Link Friends Career Dynamic Excel
Shine Wings Comfort Safe Reliable Perfect Mega Sterling Bluebird Skyline Landmark Orbit Anchor Compass Beacon
Meridian Everbright Greenland Fairway Evergreen Westwind Northstar Silverline Goldline Redstone Bluestar""".split()

CORE_WORDS = {
    "NP": """Himalayan Everest Sagarmatha Annapurna Gorkha Lumbini Janaki Pashupati Shree Siddhartha Kailash Makalu
Dhaulagiri Manakamana Bagmati Koshi Gandaki Karnali Mechi Narayani Rara Phewa Tilicho Machhapuchhre Langtang Swastik
Shubha Laxmi Saraswati Ganesh Durga Bhairav Ratna Namaste Kantipur Janata Sagar Nawa Jyoti Chandragiri Bhrikuti
Sita Pokhara Tribeni Gauri Shikhar Mount Kanchan Kalinchowk Nilgiri Shivapuri Mahalaxmi Barahi Muktinath Bindabasini
Sunkoshi Arun Tamor Seti Rapti Bheri Mahakali Sarathi Milan Samjhana Sambhav Prerana Unnati Pragati Sanjivani""".split(),
    "PH": """Mabuhay Bayanihan Maharlika Luzon Visayas Mindanao Pinoy Kabayan Tagumpay Pagasa Sampaguita Bagong Rizal
Bicol Ilocos Cebu Davao Manila Taal Mayon Agila Araw Bituin Dakila Ligaya Tanglaw Ginto Perlas Bahaghari Banaue
Boracay Palawan Samar Leyte Bohol Iloilo Pampanga Batangas Laguna Tarlac Zambales Masagana Kalayaan Marangal Dalisay
Magiting Mapagmahal Tala Hiraya Alon Bukid Dagat Himig Kislap Liwanag Makisig Sinag Silangan Kanluran""".split(),
    "BD": """Bangla Padma Meghna Jamuna Sonar Rupali Shapla Bengal Sundarban Karnaphuli Teesta Surma Amin Madina
Bismillah Rahman Barakah Salam Amana Haque Sonali Nabil Shaheen Hira Moti Bashundhara Chandni Shimul Palash Kakoli
Dhanshiri Ruposhi Nobanno Shurjo Tara Akash Bonolota Dhrubo Jhinuk Kajol Ekota Notun Shopno Ononna Mohona Prottasha
Anondo Shobuj Nodi Sagorika Matribhumi Desh Barishal Sylhet Rajshahi Khulna Cumilla Gazipur Mymensingh""".split(),
    "IN": """Bharat Ganga Yamuna Kaveri Narmada Hind Sahyadri Deccan Kerala Malabar Konkan Shakti Sai Ambika Navdeep
Aakash Akshar Vishwa Lakshmi Balaji Tirupati Nanda Arihant Vardhman Saptagiri Sahara Trident Shivam Om Gayatri
Annapoorna Vaishnavi Madhuban Chandan Kesari Suvarna Navratna Sarvodaya Jai Hari Shubham Swagat Prerna Samrat
Kalpana Vasant Sangam Udaan Tejas Parth Aryan Kaveri Kochi Mumbai Chennai Madras Goa Punjab""".split(),
    "ID": """Nusantara Garuda Bintang Mitra Jaya Karya Sejahtera Abadi Makmur Sentosa Mandiri Putra Putri Cahaya
Mulia Bangun Insan Sukses Maju Bersama Mega Sinar Harapan Indah Prima Utama Persada Amanah Barokah Bina Tunas Surya
Bahari Samudra Rajawali Merpati Cendana Melati Kencana Pelangi Nirwana Anugerah Berkah Lestari Perkasa Sakti Tirta
Wijaya Gemilang Cemerlang Pratama Sahabat Duta Citra Graha Buana Kartika Arta Dharma""".split(),
    "LK": """Lanka Ceylon Serendib Sigiri Ruhuna Kelani Mahaweli Lakdiva Nuwara Kandyan Rajarata Sinha Lion Mihira
Diyawara Siri Helanka Sathya Pubudu Sisila Nelum Araliya Kithul Ranmini Sandali Dimuthu Sarasavi Suwa Jaya Vijaya
Sumudu Ranga Nisala Isuru Sanhinda Lakmini Tharu Hiru Sandu Ravana Samanala Dambulla Galle Matara Kurunegala""".split(),
    "VN": [],  # two syllables, see VN_SYLLABLES
}
VN_SYLLABLES = (
    "Sao Hoàng Thành Phú Hưng An Minh Thăng Hồng Sông Bình Tân Phương Đại Hải Kim Ngọc Trường Hòa Vạn Phúc Tâm Nam "
    "Bắc Toàn Thái Hà Đông Sài Tây Thịnh Ánh Lạc Việt Hùng Hoa Tiến Quang Vinh Nhật Đức Thiên Bảo Gia Khánh Trung".split(),
    "Việt Long Công Thịnh Phát Nhật Hà Đà Minh Nam Dương Đăng Lan Sơn Bình Xuân Lộc Á Cầu Thành Gòn Trung Bắc "
    "Vượng Hồng Hàn Đức Vương Sen Cương Quang Phong Tâm An Hưng Tiến Thuận Hải Lợi Khang Anh Huy Đạt Hoàng".split(),
)
CORE_WORDS["VN"] = [f"{a} {b}" for a in VN_SYLLABLES[0] for b in VN_SYLLABLES[1] if a != b]
ARABIC_WORDS = """Noor Jazeera Khaleej Waha Rayyan Sadd Dafna Wakra Bayan Fajr Hayat Nakheel Amal Baraka Hilal Majd Falah
Reem Sahara Yasmeen Manar Mina Qamar Shams Salam Rawabi Madina Ittihad Tawfiq Rahma Wafa Jawhara Safwa Bustan Marwa
Tamimi Mutawa Hamad Faisal Zahra Najma Rashid Sultan Dana Lulu Marjan Diyar Waseem""".split()
MALAY_WORDS = """Maju Jaya Sinar Cahaya Bumi Harapan Sejati Murni Indah Permata Mutiara Gemilang Berjaya Mega Sentosa
Setia Teguh Utama Bestari Cemerlang Damai Intan Kasih Lestari Mewah Nusa Perdana Rimba Saujana Tiara""".split()

ORIGIN_TYPES = {
    "NP": [
        "Overseas",
        "Manpower",
        "Manpower Services",
        "Human Resources",
        "Recruitment Services",
        "International",
        "Employment Services",
        "Manpower Consultancy",
        "Overseas Services",
    ],
    "PH": [
        "Manpower Services",
        "International Manpower Agency",
        "Placement Agency",
        "Overseas Employment Agency",
        "Recruitment Agency",
        "Human Resources",
        "Global Services",
        "Manpower Resources",
    ],
    "BD": [
        "Overseas",
        "International",
        "Recruiting Agency",
        "Manpower Services",
        "Travels & Recruiting Agency",
        "Overseas Services",
        "Human Resources",
    ],
    "IN": [
        "Manpower Consultants",
        "Overseas Placements",
        "HR Solutions",
        "International Services",
        "Recruiting Agency",
        "Travels & Manpower",
        "Global Consultants",
        "Overseas Consultants",
    ],
    "ID": ["", "", "", "Internasional", "Manpower"],
    "LK": [
        "Employment Agency",
        "Foreign Employment Agency",
        "Manpower Agency",
        "Overseas Employment",
        "International",
        "Manpower Services",
    ],
    "VN": [
        "Nhân lực Quốc tế",
        "Xuất khẩu Lao động",
        "Dịch vụ Nhân lực",
        "Thương mại và Dịch vụ Nhân lực",
        "Hợp tác Lao động Quốc tế",
    ],
}
LEGAL_SUFFIX = {
    "NP": [("Pvt. Ltd.", 8), ("Private Limited", 1), ("(P.) Ltd.", 1)],
    "PH": [("Inc.", 5), ("Corporation", 2), ("Corp.", 2), ("Co.", 1), ("", 2)],
    "BD": [("Ltd.", 3), ("Limited", 1), ("", 4)],
    "IN": [("Pvt. Ltd.", 4), ("Private Limited", 1), ("LLP", 1), ("", 4)],
    "ID": [("", 1)],
    "LK": [("(Pvt) Ltd", 6), ("(Private) Limited", 2), ("", 2)],
    "VN": [("", 1)],
}
# How the same generic and legal words are written elsewhere (a directory, a worker's message).
SUFFIX_SWAPS = {
    "Pvt. Ltd.": ["Private Limited", "Pvt Ltd", "P. Ltd", "Pvt. Ltd", "PVT LTD", ""],
    "Private Limited": ["Pvt. Ltd.", "Pvt Ltd", ""],
    "(P.) Ltd.": ["Pvt. Ltd.", "P. Ltd.", ""],
    "Inc.": ["Inc", "Incorporated", ""],
    "Corporation": ["Corp.", "Corp", ""],
    "Corp.": ["Corporation", ""],
    "Co.": ["Company", ""],
    "Ltd.": ["Limited", "Ltd", ""],
    "Limited": ["Ltd.", ""],
    "LLP": [""],
    "(Pvt) Ltd": ["(Pvt.) Ltd.", "Private Limited", "Pvt Ltd", ""],
    "(Private) Limited": ["(Pvt) Ltd", ""],
    "W.L.L.": ["WLL", ""],
    "L.L.C.": ["LLC", ""],
    "Sdn. Bhd.": ["Sdn Bhd", "SB", ""],
}
GENERIC_SWAPS = {
    "Overseas": ["Manpower", ""],
    "Manpower": ["Overseas", ""],
    "Manpower Services": ["Manpower", "Services", ""],
    "Human Resources": ["HR", "Human Resource"],
    "Recruitment Services": ["Recruitment", ""],
    "International": ["Intl.", "Int'l", ""],
    "Employment Services": ["Employment", ""],
    "Manpower Consultancy": ["Manpower", "Consultancy"],
    "Overseas Services": ["Overseas", ""],
    "International Manpower Agency": ["Intl Manpower Agency", "Manpower Agency", ""],
    "Placement Agency": ["Placement", "Agency", ""],
    "Overseas Employment Agency": ["Employment Agency", ""],
    "Recruitment Agency": ["Agency", ""],
    "Global Services": ["Global", ""],
    "Manpower Resources": ["Manpower", ""],
    "Recruiting Agency": ["R/A", "Recruiting", ""],
    "Travels & Recruiting Agency": ["Travels", "Recruiting Agency"],
    "Manpower Consultants": ["Consultants", "Manpower"],
    "Overseas Placements": ["Placements", "Overseas"],
    "HR Solutions": ["Human Resource Solutions", ""],
    "International Services": ["Intl Services", ""],
    "Travels & Manpower": ["Travels and Manpower", "Manpower"],
    "Global Consultants": ["Consultants", ""],
    "Overseas Consultants": ["Consultants", "Overseas"],
    "Employment Agency": ["Agency", ""],
    "Foreign Employment Agency": ["Foreign Employment", "Employment Agency"],
    "Manpower Agency": ["Manpower", ""],
    "Overseas Employment": ["Overseas", ""],
    "Internasional": [""],
}

CITIES = {
    "NP": [
        ("Kathmandu", 60),
        ("Lalitpur", 8),
        ("Bhaktapur", 3),
        ("Pokhara", 5),
        ("Butwal", 4),
        ("Biratnagar", 4),
        ("Birgunj", 3),
        ("Dhangadhi", 2),
        ("Nepalgunj", 2),
        ("Janakpur", 2),
        ("Itahari", 2),
        ("Bharatpur", 3),
    ],
    "PH": [
        ("Manila", 30),
        ("Makati", 15),
        ("Quezon City", 15),
        ("Pasay", 8),
        ("Mandaluyong", 6),
        ("Pasig", 6),
        ("Cebu City", 8),
        ("Davao City", 5),
        ("Iloilo City", 4),
        ("Baguio", 3),
    ],
    "BD": [
        ("Dhaka", 75),
        ("Chattogram", 10),
        ("Sylhet", 5),
        ("Khulna", 3),
        ("Rajshahi", 2),
        ("Cumilla", 3),
        ("Narayanganj", 2),
    ],
    "IN": [
        ("Mumbai", 30),
        ("New Delhi", 15),
        ("Chennai", 12),
        ("Kochi", 10),
        ("Hyderabad", 8),
        ("Lucknow", 6),
        ("Thiruvananthapuram", 6),
        ("Kolkata", 5),
        ("Patna", 4),
        ("Jaipur", 4),
    ],
    "ID": [
        ("Jakarta", 45),
        ("Surabaya", 12),
        ("Semarang", 8),
        ("Bandung", 8),
        ("Medan", 6),
        ("Malang", 6),
        ("Mataram", 5),
        ("Cirebon", 5),
        ("Indramayu", 5),
    ],
    "LK": [
        ("Colombo", 50),
        ("Kandy", 10),
        ("Negombo", 10),
        ("Kurunegala", 8),
        ("Galle", 6),
        ("Jaffna", 6),
        ("Matara", 5),
        ("Nugegoda", 5),
    ],
    "VN": [
        ("Hà Nội", 45),
        ("TP. Hồ Chí Minh", 25),
        ("Đà Nẵng", 8),
        ("Hải Phòng", 6),
        ("Vinh", 6),
        ("Thanh Hóa", 5),
        ("Hà Tĩnh", 5),
    ],
    "QA": [("Doha", 80), ("Al Wakrah", 10), ("Al Rayyan", 10)],
    "AE": [("Dubai", 55), ("Abu Dhabi", 30), ("Sharjah", 15)],
    "SA": [("Riyadh", 50), ("Jeddah", 30), ("Dammam", 20)],
    "MY": [
        ("Kuala Lumpur", 45),
        ("Petaling Jaya", 15),
        ("Johor Bahru", 15),
        ("Penang", 15),
        ("Shah Alam", 10),
    ],
}
# Other ways people write a city (reports, older lists).
CITY_VARIANTS = {
    "Kathmandu": ["KTM", "Kathmandu-", "Kathamandu", "काठमाडौं"],
    "Lalitpur": ["Patan"],
    "Bharatpur": ["Chitwan"],
    "Quezon City": ["QC", "Quezon"],
    "Cebu City": ["Cebu"],
    "Davao City": ["Davao"],
    "Iloilo City": ["Iloilo"],
    "Makati": ["Makati City"],
    "Pasay": ["Pasay City"],
    "Manila": ["Metro Manila", "Ermita, Manila"],
    "Dhaka": ["Dacca", "ঢাকা"],
    "Chattogram": ["Chittagong", "Ctg"],
    "Cumilla": ["Comilla"],
    "Mumbai": ["Bombay", "Navi Mumbai"],
    "New Delhi": ["Delhi"],
    "Chennai": ["Madras"],
    "Kochi": ["Cochin"],
    "Thiruvananthapuram": ["Trivandrum"],
    "Kolkata": ["Calcutta"],
    "Jakarta": ["DKI Jakarta", "Jakarta Timur"],
    "Colombo": ["Colombo 10", "Col."],
    "Hà Nội": ["Hanoi", "Ha Noi"],
    "TP. Hồ Chí Minh": ["Ho Chi Minh City", "HCMC", "Saigon", "TPHCM"],
    "Đà Nẵng": ["Da Nang"],
    "Hải Phòng": ["Hai Phong"],
    "Thanh Hóa": ["Thanh Hoa"],
    "Hà Tĩnh": ["Ha Tinh"],
}
LOCALITIES = {
    "NP": "Putalisadak Baneshwor Gaushala Sinamangal Tinkune Maharajgunj Samakhusi Bagbazar Dillibazar Kalanki "
    "Chabahil Koteshwor Gongabu Thamel Naxal Lazimpat Kupondole Balkhu Kalimati Sukedhara".split(),
    "PH": "Ermita Malate Paco Taft Avenue|Roxas Boulevard|Ortigas Center|Ayala Avenue|EDSA|Kamuning|Cubao|"
    "Shaw Boulevard|Timog Avenue|Aurora Boulevard".replace(" Taft", "|Taft").split("|"),
    "BD": "Naya Paltan|Purana Paltan|Motijheel|Kakrail|Banani|Gulshan|Mirpur|Uttara|Dhanmondi|Malibagh|"
    "Shantinagar|Bijoynagar|Mohakhali|Farmgate".split("|"),
    "IN": "Andheri East|Fort|Dadar|Karol Bagh|Connaught Place|Anna Salai|Egmore|MG Road|Kaloor|Banjara Hills|"
    "Hazratganj|Salt Lake|Nariman Point|Kurla West".split("|"),
    "ID": "Jl. Raya Condet|Jl. Dewi Sartika|Jl. Pemuda|Jl. Gatot Subroto|Jl. Kramat Jati|Jl. Cipinang|"
    "Jl. Diponegoro|Jl. Ahmad Yani|Jl. Pahlawan|Jl. Sudirman".split("|"),
    "LK": "Galle Road|Duplication Road|Baseline Road|Kandy Road|Negombo Road|High Level Road|Nawala Road|"
    "Havelock Road|Dematagoda Road|Union Place".split("|"),
    "VN": "Đường Láng|Phố Huế|Cầu Giấy|Nguyễn Trãi|Lê Duẩn|Trần Hưng Đạo|Hoàng Quốc Việt|Giải Phóng|"
    "Nguyễn Văn Cừ|Lý Thường Kiệt".split("|"),
    "QA": "Salwa Road|C Ring Road|Al Sadd Street|Industrial Area Street 24|Najma Street|Musheireb".split("|"),
    "AE": "Al Qusais|Deira|Al Karama|Bur Dubai|Musaffah|Al Nahda|Al Barsha".split("|"),
    "SA": "King Fahd Road|Olaya Street|Al Malaz|Al Rawdah|Prince Sultan Street".split("|"),
    "MY": "Jalan Ipoh|Jalan Klang Lama|Jalan Tun Razak|Jalan Sultan Ismail|Jalan Ampang".split("|"),
}

# Phones: (country calling code, [(area code, subscriber digits)], [mobile prefixes], mobile subscriber digits).
PHONE_PLANS = {
    "NP": (
        "977",
        [("1", 7), ("61", 6), ("71", 6), ("21", 6), ("51", 6)],
        ["984", "985", "986", "980", "981"],
        7,
    ),
    "PH": ("63", [("2", 8), ("32", 7), ("82", 7)], ["917", "918", "927", "947", "998"], 7),
    "BD": ("880", [("2", 8), ("31", 6), ("821", 6)], ["171", "181", "191", "155", "161"], 7),
    "IN": ("91", [("22", 8), ("11", 8), ("44", 8), ("484", 7)], ["98", "97", "94", "88", "70"], 8),
    "ID": ("62", [("21", 8), ("31", 7), ("24", 7)], ["812", "813", "821", "857", "878"], 8),
    "LK": ("94", [("11", 7), ("81", 7), ("31", 7)], ["77", "71", "76", "70"], 7),
    "VN": ("84", [("24", 8), ("28", 8), ("236", 7)], ["91", "98", "90", "97", "88"], 7),
    "QA": ("974", [("44", 6)], ["55", "66", "33", "77"], 6),
    "AE": ("971", [("4", 7), ("2", 7), ("6", 7)], ["50", "55", "52", "56"], 7),
    "SA": ("966", [("11", 7), ("12", 7), ("13", 7)], ["50", "55", "54", "56"], 7),
    "MY": ("60", [("3", 8), ("4", 7), ("7", 7)], ["12", "13", "16", "17", "19"], 7),
}
WEB_TLD = {
    "NP": ".com.np",
    "PH": ".com.ph",
    "BD": ".com.bd",
    "IN": ".in",
    "ID": ".co.id",
    "LK": ".lk",
    "VN": ".vn",
    "QA": ".qa",
    "AE": ".ae",
    "SA": ".sa",
    "MY": ".com.my",
}

PERSON_NAMES = {
    "NP": (
        "Ram Hari Shyam Krishna Bishnu Gopal Dil Man Bal Tek Dambar Dhan Ganesh Suresh Ramesh Dinesh Rajendra "
        "Bhim Prem Kamal Arjun Santosh Bikash Nabin Sanjay Binod Mohan Keshav Sunil Anil Deepak Gita Sita Kamala "
        "Sarita Sunita Mina Radha Parbati Yubaraj Khem Lok Hem Purna Tilak Jeevan Sagar Rabin Ashok",
        "Bahadur Prasad Kumar Raj Bahadur",
        "Thapa Gurung Rai Limbu Tamang Shrestha Magar Karki Adhikari Poudel Sharma Khadka Bhandari Basnet Rana KC "
        "Bhattarai Ghimire Sapkota Dahal Pandey Yadav Shah Chaudhary Tharu Lama Sherpa Budha Oli Rawal Bista "
        "Dhakal Koirala Acharya Neupane Aryal Subedi Pokharel Regmi Joshi Khatri Thakuri Malla Pun Ale",
    ),
    "BD": (
        "Mohammad Abdul Rahim Karim Jamal Kamal Rafiq Shafiq Habib Aminul Mizanur Mostafizur Nurul Shahidul "
        "Anwar Delwar Jahangir Harun Sohel Rubel Shahin Alamgir Faruk Masud Nazrul Selim Babul Monir Jashim "
        "Rashed Sumon Liton Shamim Ripon",
        "Md. Abdul Mohammad",
        "Hossain Rahman Islam Uddin Ahmed Ali Khan Mia Chowdhury Sarker Talukder Mondal Sheikh Bhuiyan Haque "
        "Kabir Alam Molla Howlader Sikder Patwary Mridha Bepari Matubbar Hasan Mahmud Karim Siddique",
    ),
    "IN": (
        "Rajesh Suresh Mahesh Ramesh Anil Sunil Vijay Ajay Sanjay Manoj Ashok Prakash Mohammed Abdul Joseph "
        "Thomas George Ravi Gopal Venkat Srinivas Murali Pradeep Shaji Biju Sajan Anwar Faisal Imran Rakesh "
        "Deepak Naveen Santosh Harish",
        "Kumar Lal Prasad Chandra",
        "Sharma Verma Singh Kumar Nair Menon Pillai Reddy Rao Naidu Patel Shah Khan Ansari Yadav Gupta Das "
        "Varghese Thomas Iyer Shetty Kurian Mathew Abraham Chacko Qureshi Siddiqui Mishra Tiwari Pandey",
    ),
    "PH": (
        "Jose Juan Maria Ana Rodel Jun Rommel Ronaldo Edgardo Marites Lorna Ricardo Rogelio Fernando Arnel "
        "Jericho Mark John Jocelyn Gemma Liza Cristina Noel Arnold Rowena Glenda Ramil Dante Efren Nestor",
        "Santos Reyes Cruz",
        "Santos Reyes Cruz Bautista Garcia Mendoza Ramos Aquino Villanueva Castillo Fernandez Torres Flores "
        "Gonzales Lopez Navarro Pascual Salazar Tolentino Manalo Dizon Soriano Mercado Aguilar Valdez Ocampo "
        "Gutierrez Santiago Domingo Lim",
    ),
    "ID": (
        "Agus Budi Dedi Eko Hadi Joko Slamet Siti Sri Nur Ahmad Rudi Wahyu Yanto Bambang Dewi Endang Heru Iwan "
        "Tono Sugeng Rina Hendra Yusuf Fajar Asep Ujang Dadang Rahmat Wawan",
        "Nur Sri Muhammad",
        "Santoso Wijaya Setiawan Hidayat Saputra Kurniawan Susanto Pratama Nugroho Hartono Gunawan Purnomo "
        "Sulistyo Hermawan Suryadi Firmansyah Rahayu Maulana Syahputra Siregar Nasution Lubis Harahap",
    ),
    "LK": (
        "Nimal Sunil Kamal Ajith Chaminda Sampath Mahinda Ruwan Pradeep Asanka Nuwan Lasantha Dilrukshi "
        "Kumari Chathura Saman Upul Janaka Roshan Nalin Priyantha Tharanga Indika Lalith Rohana",
        "Kumara Priyantha Bandara",
        "Perera Fernando Silva Jayasinghe Bandara Wickramasinghe Rathnayake Dissanayake Gunawardena Herath "
        "Kumara Wijesinghe Jayawardena Rajapakse Karunaratne Samarasinghe Weerasinghe Ekanayake Liyanage "
        "Munasinghe Ranasinghe Abeysekara Mendis Pathirana",
    ),
    "VN": (
        "Anh Bình Cường Dũng Hùng Hải Hoa Hương Lan Long Mai Nam Phong Quân Sơn Thảo Trang Tuấn Việt Yến Hà "
        "Hiếu Khánh Linh Minh Ngọc Phương Thắng Trung",
        "Văn Thị Đức Minh Hữu Quang Ngọc",
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Lương Mai",
    ),
}
OCCUPATIONS = [
    ("Construction labourer", "9313", 1.0),
    ("Mason", "7112", 1.3),
    ("Electrician", "7411", 1.7),
    ("Plumber", "7126", 1.6),
    ("Welder", "7212", 1.7),
    ("Heavy truck driver", "8332", 1.8),
    ("Light vehicle driver", "8322", 1.5),
    ("Domestic worker", "9111", 1.0),
    ("Cleaner", "9112", 1.0),
    ("Security guard", "5414", 1.3),
    ("Waiter", "5131", 1.2),
    ("Cook", "5120", 1.5),
    ("Carpenter", "7115", 1.5),
    ("Steel fixer", "7214", 1.4),
    ("Scaffolder", "7119", 1.4),
    ("Factory worker", "9329", 1.0),
    ("Plantation worker", "9211", 0.9),
    ("Hotel receptionist", "4224", 1.6),
    ("Salesperson", "5223", 1.4),
    ("Nursing assistant", "5321", 1.8),
]
BASE_WAGE = {"QA": 1300, "AE": 1300, "SA": 1300, "MY": 1700}
SUSPENSION_REASONS = [
    "Complaints of excess recruitment fees",
    "Workers not deployed after paying fees",
    "False job demand documents",
    "Failure to renew bank guarantee",
    "Contract substitution reported by workers",
]
REVOCATION_REASONS = [
    "Fraud in job demand documents",
    "Repeated charging of illegal fees",
    "Human trafficking investigation",
]

# Latin to Devanagari, for names written in Nepali or Hindi in a report or a register (a small mapping, not a
# general transliterator: it makes plausible spellings, as people do).
_DEV_CONS = {
    "chh": "छ",
    "kh": "ख",
    "gh": "घ",
    "ch": "च",
    "jh": "झ",
    "th": "थ",
    "dh": "ध",
    "ph": "फ",
    "bh": "भ",
    "sh": "श",
    "k": "क",
    "g": "ग",
    "c": "क",
    "j": "ज",
    "t": "ट",
    "d": "ड",
    "n": "न",
    "p": "प",
    "f": "फ",
    "b": "ब",
    "m": "म",
    "y": "य",
    "r": "र",
    "l": "ल",
    "v": "व",
    "w": "व",
    "s": "स",
    "h": "ह",
    "z": "ज",
    "q": "क",
    "x": "क्स",
}
_DEV_VOWEL = {
    "aa": "आ",
    "ee": "ई",
    "ii": "ई",
    "oo": "ऊ",
    "uu": "ऊ",
    "ai": "ऐ",
    "au": "औ",
    "a": "अ",
    "i": "इ",
    "u": "उ",
    "e": "ए",
    "o": "ओ",
}
_DEV_MATRA = {
    "aa": "ा",
    "ee": "ी",
    "ii": "ी",
    "oo": "ू",
    "uu": "ू",
    "ai": "ै",
    "au": "ौ",
    "a": "",
    "i": "ि",
    "u": "ु",
    "e": "े",
    "o": "ो",
}
# Conventional spellings of generic words (as registers and people write them).
DEVANAGARI_WORDS = {
    "overseas": "ओभरसिज",
    "manpower": "म्यानपावर",
    "pvt": "प्रा.",
    "ltd": "लि.",
    "p": "प्रा.",
    "private": "प्राइभेट",
    "limited": "लिमिटेड",
    "services": "सर्भिसेज",
    "international": "इन्टरनेसनल",
    "human": "ह्युमन",
    "resources": "रिसोर्सेज",
    "recruitment": "रिक्रुटमेन्ट",
    "employment": "इम्प्लोइमेन्ट",
    "agency": "एजेन्सी",
    "consultancy": "कन्सल्टेन्सी",
    "consultants": "कन्सल्टेन्ट्स",
    "travels": "ट्राभल्स",
    "&": "एण्ड",
    "placements": "प्लेसमेन्ट्स",
    "solutions": "सोलुसन्स",
    "shree": "श्री",
    "mount": "माउन्ट",
}
BENGALI_WORDS = {
    "overseas": "ওভারসীজ",
    "manpower": "ম্যানপাওয়ার",
    "ltd": "লিঃ",
    "pvt": "প্রাঃ",
    "limited": "লিমিটেড",
    "international": "ইন্টারন্যাশনাল",
    "services": "সার্ভিসেস",
    "recruiting": "রিক্রুটিং",
    "agency": "এজেন্সি",
    "travels": "ট্রাভেলস",
    "human": "হিউম্যান",
    "resources": "রিসোর্সেস",
    "&": "এন্ড",
}


def _to_devanagari_word(word: str) -> str:
    w = word.lower()
    if w in DEVANAGARI_WORDS or w.rstrip(".") in DEVANAGARI_WORDS:
        return DEVANAGARI_WORDS.get(w) or DEVANAGARI_WORDS[w.rstrip(".")]
    w = "".join(ch for ch in w if ch.isalpha())
    for a, b in (("ce", "se"), ("ci", "si"), ("cy", "si"), ("ck", "k"), ("x", "ks"), ("w", "v"), ("ea", "i")):
        w = w.replace(a, b)  # as the word sounds
    if len(w) > 3 and w.endswith("e") and w[-2] not in "aeiou":
        w = w[:-1]  # silent e
    out: list[str] = []
    i, prev_cons = 0, False
    while i < len(w):
        for size in (3, 2, 1):
            part = w[i : i + size]
            if part in _DEV_CONS and len(part) == size:
                if prev_cons:
                    out.append("्")
                out.append(_DEV_CONS[part])
                prev_cons = True
                break
            if part in _DEV_VOWEL and len(part) == size:
                last = i + size == len(w)
                if prev_cons:
                    out.append("ा" if (part == "a" and last and len(w) > 3) else _DEV_MATRA[part])
                else:
                    out.append(_DEV_VOWEL[part])
                prev_cons = False
                break
        else:
            size = 1
        i += size
    return "".join(out)


def _bengali(dev: str) -> str:
    out = []
    for ch in dev:
        if ch == "व":
            out.append("ব")
        elif "\u0900" <= ch <= "\u097f":
            out.append(chr(ord(ch) + 0x80))
        else:
            out.append(ch)
    return "".join(out)


def to_script(name: str, script: str) -> str:
    """Write a Latin name in Devanagari (``"deva"``) or Bengali (``"beng"``) script, as a person might."""
    words = []
    for word in name.replace("(", " ").replace(")", " ").split():
        w = word.lower()
        if script == "beng" and (w in BENGALI_WORDS or w.rstrip(".") in BENGALI_WORDS):
            words.append(BENGALI_WORDS.get(w) or BENGALI_WORDS[w.rstrip(".")])
            continue
        dev = _to_devanagari_word(word)
        words.append(_bengali(dev) if script == "beng" else dev)
    return " ".join(w for w in words if w)


# ---------------------------------------------------------------------------------------------- data classes
@dataclass
class GenStatus:
    status: str
    effective_date: dt.date
    valid_until: dt.date | None
    reason: str


@dataclass
class GenLicence:
    regulator: str  # the regulator's identifier
    number: str
    valid_from: dt.date
    history: list[GenStatus]

    @property
    def status(self) -> str:
        return self.history[-1].status

    @property
    def valid_until(self) -> dt.date | None:
        return self.history[-1].valid_until


@dataclass
class GenActor:
    key: int  # position in the registry, unique
    cluster_id: int  # the true identity: records with the same cluster_id are the same actor
    kind: str
    identifier: str
    name: str
    country: str
    city: str = ""
    address: str = ""
    phones: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    social_handles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    licence: GenLicence | None = None
    licence_number: str = (
        ""  # as this record shows it (a directory or a report may quote a number without a licence)
    )
    source: str = "register"  # register, legacy_register, directory, worker_report, field_survey
    duplicate_of: int | None = None  # key of the record this one duplicates

    def linkage_record(self) -> dict[str, Any]:
        """The flat record record linkage compares (see linkage.standardise_record)."""
        return {
            "unique_id": self.key,
            "cluster_id": self.cluster_id,
            "kind": self.kind,
            "source": self.source,
            "name": self.name,
            "aliases": list(self.aliases),
            "country": self.country,
            "city": self.city,
            "address": self.address,
            "phones": list(self.phones),
            "licence_number": self.licence.number if self.licence else self.licence_number,
        }


@dataclass
class GenRelationship:
    source: str  # identifiers
    target: str
    kind: str
    start: dt.date


@dataclass
class GenJobOrder:
    number: str
    employer: str  # identifiers
    agency: str
    approved_by: str
    destination: str
    occupation: str
    isco08: str
    positions: int
    wage_amount: Decimal
    wage_currency: str
    valid_from: dt.date
    valid_until: dt.date


@dataclass
class Registry:
    seed: int
    regulators: list[GenActor]
    actors: list[GenActor]
    relationships: list[GenRelationship]
    job_orders: list[GenJobOrder]

    def records(self) -> Iterator[dict[str, Any]]:
        """Flat records of every actor except regulators, with ``cluster_id`` (truth), for linkage benchmarks."""
        for a in self.actors:
            yield a.linkage_record()

    def shifted(self, as_of: dt.date) -> Registry:
        """The same registry with every date moved by as many days as ``as_of`` is after ``REFERENCE_DATE``: loaded
        on any day, it looks as it did on the reference day (licences running, job orders valid, suspensions as
        recent). A job order's number carries the year it starts in."""
        days = dt.timedelta(days=(as_of - REFERENCE_DATE).days)

        def moved(d: dt.date | None) -> dt.date | None:
            return None if d is None else d + days

        def licence(lic: GenLicence | None) -> GenLicence | None:
            if lic is None:
                return None
            history = [replace(h, effective_date=h.effective_date + days, valid_until=moved(h.valid_until))
                       for h in lic.history]
            return replace(lic, valid_from=lic.valid_from + days, history=history)

        def job_order(j: GenJobOrder) -> GenJobOrder:
            start = j.valid_from + days
            number = j.number.replace(f"-JO-{j.valid_from.year}-", f"-JO-{start.year}-", 1)
            return replace(j, number=number, valid_from=start, valid_until=j.valid_until + days)

        return Registry(
            seed=self.seed,
            regulators=[replace(a, licence=licence(a.licence)) for a in self.regulators],
            actors=[replace(a, licence=licence(a.licence)) for a in self.actors],
            relationships=[replace(r, start=r.start + days) for r in self.relationships],
            job_orders=[job_order(j) for j in self.job_orders],
        )

    def stats(self) -> dict[str, int]:
        kinds: dict[str, int] = {}
        for a in self.actors:
            kinds[a.kind] = kinds.get(a.kind, 0) + 1
        return {
            "actors": len(self.actors),
            "clusters": len({a.cluster_id for a in self.actors}),
            "duplicates": sum(a.duplicate_of is not None for a in self.actors),
            "licences": sum(a.licence is not None for a in self.actors),
            "relationships": len(self.relationships),
            "job_orders": len(self.job_orders),
            **{f"kind:{k}": v for k, v in sorted(kinds.items())},
        }


# ---------------------------------------------------------------------------------------------- generator
def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


class _Generator:
    def __init__(self, seed: int, duplicate_rate: float) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.duplicate_rate = duplicate_rate
        self.actors: list[GenActor] = []
        self.regulators: list[GenActor] = []
        self.relationships: list[GenRelationship] = []
        self.job_orders: list[GenJobOrder] = []
        self.names_used: set[tuple[str, str]] = set()
        self.cores_by_country: dict[str, list[str]] = {}
        self.cores_used: dict[str, set[str]] = {}
        self.dest_cores: dict[str, set[tuple[str, str]]] = {}
        self.numbers_used: set[str] = set()
        self.phones_used: set[str] = set()
        self.nsn_of: dict[str, tuple[str, bool]] = {}
        self.serial: dict[str, int] = {}
        self.next_cluster = 1

    # -- identities
    def _cluster(self) -> int:
        self.next_cluster += 1
        return self.next_cluster - 1

    def _next(self, counter: str, start: int = 1) -> int:
        self.serial[counter] = self.serial.get(counter, start - 1) + 1
        return self.serial[counter]

    def _add(self, actor: GenActor) -> GenActor:
        self.actors.append(actor)
        return actor

    def _new_actor(self, **kw: Any) -> GenActor:
        return GenActor(key=len(self.actors) + 1, **kw)

    # -- pieces of records
    def phone(self, country: str, mobile: bool) -> str:
        cc, areas, mobiles, mobile_digits = PHONE_PLANS[country]
        while True:
            if mobile:
                prefix, n = self.rng.choice(mobiles), mobile_digits
            else:
                prefix, n = self.rng.choice(areas)
            digits = prefix + str(self.rng.randrange(10 ** (n - 1) * 2, 10**n))
            if digits not in self.phones_used:
                self.phones_used.add(digits)
                return self.format_phone(country, digits, mobile, style=self.rng.randrange(3))

    def format_phone(self, country: str, nsn: str, mobile: bool, style: int) -> str:
        """Write a national significant number the way the country's lists and people do."""
        cc = PHONE_PLANS[country][0]
        if mobile:
            head, tail = nsn[:3], nsn[3:]
        else:
            area = next((a for a, _ in PHONE_PLANS[country][1] if nsn.startswith(a)), nsn[:2])
            head, tail = area, nsn[len(area) :]
        mid = len(tail) // 2
        if style == 0:
            text = f"+{cc} {head} {tail[:mid]} {tail[mid:]}"
        elif style == 1:
            text = f"+{cc}-{head}-{tail}"
        elif style == 2:
            text = nsn if (country == "NP" and mobile) else f"0{head}-{tail}"
        elif style == 3:
            text = f"00{cc}{nsn}"
        elif style == 4:
            text = f"(0{head}) {tail[:mid]} {tail[mid:]}"
        else:
            text = nsn
        self.nsn_of[text] = (nsn, mobile)
        return text

    def reformat_phone(self, country: str, phone: str) -> str:
        nsn, mobile = self.nsn_of[phone]
        return self.format_phone(country, nsn, mobile, style=self.rng.randrange(6))

    def licence_number(self, country: str, issued: int) -> tuple[str, int]:
        """A licence number in the regulator's format, and its serial (used in the actor's identifier)."""
        rng = self.rng
        while True:
            n = self._next(f"lic:{country}", start=rng.choice([100, 150, 201, 301]))
            if country == "NP":
                bs = issued + 57 - 2000  # Bikram Sambat year, two digits
                number = f"{n}/{bs:03d}/{bs + 1:03d}"
            elif country == "PH":
                number = (
                    f"DMW-{n:03d}-LB-{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{issued % 100:02d}-R"
                )
            elif country == "BD":
                number = f"RL-{n}"
            elif country == "IN":
                city = rng.choice(["MUM", "DEL", "CHE", "COC", "HYD", "LKO", "TVM", "KOL"])
                number = f"B-{n:04d}/{city}/PART/1000+/5/{rng.randrange(1000, 9999)}/{issued}"
            elif country == "ID":
                number = f"KEP.{n}/PPMI/{issued}"
            elif country == "LK":
                number = f"SLBFE/RA/{n}"
            elif country == "VN":
                number = f"{n}/LĐTBXH-GP"
            else:
                number = f"{REGULATORS[country][0].split('-')[1]}-RA-{n:04d}"
            if number not in self.numbers_used:
                self.numbers_used.add(number)
                return number, n

    def legacy_number(self, country: str, number: str) -> str:
        core = number.split("-")[1] if country == "PH" else number.split("/")[0].replace("KEP.", "")
        if country == "PH":
            return number.replace("DMW-", "POEA-")
        return f"BP2MI/SIP3MI/{core}/{self.rng.randrange(2015, 2024)}"

    def variant_licence_number(self, country: str, number: str) -> str:
        """The same licence number as a directory or a worker writes it."""
        rng = self.rng
        m = re.search(r"\d+", number)
        core = m.group(0) if m else number
        choice = rng.random()
        if choice < 0.3:
            return number.lower().replace("-", " ").replace("/", " / ")
        if choice < 0.5:
            return f"Lic. No. {core}"
        if choice < 0.65:
            return core
        if country == "PH" and choice < 0.85:
            return number.replace("DMW-", "POEA-")
        return number.replace("-", "").replace(".", "")

    def city(self, country: str) -> str:
        return _weighted(self.rng, CITIES[country])

    def address(self, country: str, city: str) -> str:
        rng = self.rng
        loc = rng.choice(LOCALITIES[country])
        if country == "NP":
            return f"{loc}-{rng.randrange(1, 33)}, {city}"
        if country in ("PH", "LK", "IN", "MY"):
            return f"{rng.randrange(1, 999)} {loc}, {city}"
        if country == "BD":
            return f"House {rng.randrange(1, 200)}, Road {rng.randrange(1, 30)}, {loc}, {city}"
        if country == "ID":
            return f"{loc} No. {rng.randrange(1, 200)}, {city}"
        if country == "VN":
            return f"Số {rng.randrange(1, 300)} {loc}, {city}"
        return f"Building {rng.randrange(1, 400)}, {loc}, {city}"

    def person_name(self, country: str) -> str:
        given, middle, family = (s.split() for s in PERSON_NAMES[country])
        rng = self.rng
        if country == "VN":
            return f"{rng.choice(family)} {rng.choice(middle)} {rng.choice(given)}"
        if country == "BD":
            first = rng.choice(middle) + " " if rng.random() < 0.4 else ""
            return f"{first}{rng.choice(given)} {rng.choice(family)}"
        mid = rng.choice(middle) + " " if rng.random() < 0.35 else ""
        if country == "ID" and rng.random() < 0.3:
            return rng.choice(given) + " " + rng.choice(family)
        return f"{rng.choice(given)} {mid}{rng.choice(family)}"

    def org_core(self, country: str) -> str:
        rng = self.rng
        if country == "VN":
            return (
                rng.choice(CORE_WORDS["VN"])
                if rng.random() < 0.8
                else " ".join(rng.sample(CORE_WORDS["VN"], 2))
            )
        local, shared = CORE_WORDS[country], SHARED_WORDS
        if country == "ID":
            return " ".join(rng.sample(local, rng.choice([2, 2, 3])))
        n_words = rng.choices([1, 2, 3], weights=[3, 6, 1])[0]
        words = [rng.choice(local if rng.random() < 0.55 else shared) for _ in range(n_words)]
        if len(set(words)) < len(words):
            words = list(dict.fromkeys(words))
        return " ".join(words)

    def agency_name(self, country: str) -> tuple[str, str, str, str]:
        """(full name, core, type words, legal suffix). Full names are unique within a country; cores may repeat
        with other type words ("Sky Overseas" and "Sky Manpower" are different agencies), as in real lists."""
        rng = self.rng
        cores = self.cores_by_country.setdefault(country, [])
        used = self.cores_used.setdefault(country, set())
        for _ in range(200):
            reuse = bool(cores) and rng.random() < 0.02  # sibling names: 'Sky Overseas', 'Sky Manpower'
            core = rng.choice(cores) if reuse else self.org_core(country)
            if not reuse and core.casefold() in used:
                continue
            kind = rng.choice(ORIGIN_TYPES[country])
            legal = _weighted(rng, LEGAL_SUFFIX[country])
            if country == "VN":
                legal = rng.choice(["Cổ phần", "TNHH", "TNHH Một thành viên"])
                name = f"Công ty {legal} {kind} {core}"
            elif country == "ID":
                name = " ".join(p for p in ["PT", core, kind] if p)
                legal = ""
            else:
                name = " ".join(p for p in [core, kind, legal] if p)
            unique_key = (country, f"{core} {kind}".casefold())
            if unique_key not in self.names_used:
                self.names_used.add(unique_key)
                used.add(core.casefold())
                cores.append(core)
                return name, core, kind, legal
        raise RuntimeError("could not make a unique name")  # pragma: no cover - vocabulary is large

    def sub_agent_name(self, country: str, city: str) -> str:
        rng = self.rng
        trades = [
            "Travels & Tours",
            "Ticketing Centre",
            "Education & Manpower Consultancy",
            "Travel Agency",
            "Documents Centre",
            "Overseas Consultancy",
            "Air Travels",
            "Educational Consultancy",
        ]
        for _ in range(100):
            person = self.person_name(country).split()
            base = rng.choice(
                [
                    person[-1],
                    f"{person[0]} {person[-1]}",
                    f"{person[0]} {person[-1]}",
                    city,
                    f"New {city}",
                    f"{rng.choice(CORE_WORDS[country])} {rng.choice(SHARED_WORDS)}",
                    f"{rng.choice(SHARED_WORDS)} {rng.choice(CORE_WORDS[country])}",
                ]
            )
            name = f"{_strip_accents(base) if country == 'VN' else base} {rng.choice(trades)}"
            if (country, name.casefold()) not in self.names_used:
                self.names_used.add((country, name.casefold()))
                return name
        raise RuntimeError("could not make a unique name")  # pragma: no cover

    def destination_name(self, country: str, employer: bool) -> str:
        rng = self.rng
        used = self.dest_cores.setdefault(country, set())
        for _ in range(200):
            ar = rng.choice(ARABIC_WORDS)
            second = rng.choice(SHARED_WORDS + ARABIC_WORDS)
            if country == "MY":
                second = rng.choice(MALAY_WORDS + SHARED_WORDS)
                ar = rng.choice(MALAY_WORDS)
            if (ar, second) in used or ar == second:
                continue
            if country == "MY":
                core = f"{ar} {second}"
                name = (
                    f"{core} {rng.choice(['Electronics (M)', 'Glove Industries', 'Plantation', 'Furniture', 'Security Services'])} Sdn. Bhd."
                    if employer
                    else f"Agensi Pekerjaan {core} Sdn. Bhd."
                )
            elif employer:
                trade = rng.choice(
                    [
                        "Contracting & Trading",
                        "Facility Management",
                        "Hospitality",
                        "Building Contracting",
                        "Cleaning Services",
                        "Catering",
                        "Transport",
                        "Engineering",
                    ]
                )
                legal = {"QA": "W.L.L.", "AE": "L.L.C.", "SA": "Co."}[country]
                name = f"Al {ar} {second} {trade} {legal}"
            else:
                trade = {
                    "QA": "Manpower Recruitment W.L.L.",
                    "AE": "Labour Supply Services L.L.C.",
                    "SA": "Recruitment Office",
                }[country]
                name = f"Al {ar} {second} {trade}" if rng.random() < 0.6 else f"{second} {ar} {trade}"
            if (country, name.casefold()) not in self.names_used:
                self.names_used.add((country, name.casefold()))
                used.add((ar, second))
                return name
        raise RuntimeError("could not make a unique name")  # pragma: no cover

    def licence_history(self, country: str, valid_from: dt.date) -> list[GenStatus]:
        """Issue, renewals, and perhaps a suspension (and reinstatement), revocation, ban, cancellation or expiry."""
        rng = self.rng
        term = LICENCE_TERM_YEARS[country]
        fate = rng.choices(
            ["active", "expired", "suspended", "revoked", "cancelled", "banned"], weights=[68, 12, 8, 5, 4, 3]
        )[0]
        until = _add_years(valid_from, term)
        history = [GenStatus("active", valid_from, until, "Licence issued")]
        stop_renewing = (
            _date_between(rng, valid_from, REFERENCE_DATE) if fate == "expired" else REFERENCE_DATE
        )
        suspended_once = rng.random() < 0.1
        while until <= REFERENCE_DATE:
            if until > stop_renewing:
                break
            if suspended_once and rng.random() < 0.3:
                history.append(
                    GenStatus(
                        "suspended",
                        until - dt.timedelta(days=rng.randrange(20, 200)),
                        until,
                        f"Suspended: {rng.choice(SUSPENSION_REASONS)}",
                    )
                )
                history.append(
                    GenStatus(
                        "active", until, _add_years(until, term), "Reinstated and renewed after investigation"
                    )
                )
                suspended_once = False
            else:
                history.append(GenStatus("active", until, _add_years(until, term), "Renewed"))
            until = _add_years(until, term)
        if until <= REFERENCE_DATE:
            history.append(GenStatus("expired", until, until, "Not renewed"))
            return history
        last = history[-1].effective_date
        when = _date_between(
            rng, max(last + dt.timedelta(days=1), REFERENCE_DATE - dt.timedelta(days=700)), REFERENCE_DATE
        )
        if fate == "suspended":
            history.append(
                GenStatus("suspended", when, until, f"Suspended: {rng.choice(SUSPENSION_REASONS)}")
            )
        elif fate == "revoked":
            history.append(GenStatus("revoked", when, None, f"Revoked: {rng.choice(REVOCATION_REASONS)}"))
        elif fate == "cancelled":
            history.append(GenStatus("cancelled", when, None, "Cancelled at the agency's request"))
        elif fate == "banned":
            history.append(
                GenStatus(
                    "suspended",
                    when - dt.timedelta(days=90),
                    until,
                    f"Suspended: {rng.choice(SUSPENSION_REASONS)}",
                )
            )
            history.append(GenStatus("banned", when, None, "Banned: owners barred from recruitment"))
        history.sort(key=lambda s: s.effective_date)
        return history

    # -- name variants
    def typo(self, text: str) -> str:
        rng = self.rng
        letters = [i for i, c in enumerate(text) if c.isalpha() and i > 0]
        if not letters:
            return text
        i = rng.choice(letters)
        op = rng.randrange(4)
        if op == 0:
            return text[:i] + text[i + 1 :]
        if op == 1:
            return text[:i] + text[i] + text[i:]
        if op == 2 and i + 1 < len(text) and text[i + 1].isalpha():
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        near = "qwertyuiopasdfghjklzxcvbnm"
        j = near.find(text[i].lower())
        sub = near[(j + rng.choice([-1, 1])) % len(near)] if j >= 0 else "a"
        return text[:i] + sub + text[i + 1 :]

    def name_variant(self, original: GenActor, heavy: bool, meta: dict[str, str]) -> str:
        """The name as another list (``heavy=False``) or a worker (``heavy=True``) writes it."""
        rng = self.rng
        country = original.country
        if original.kind == "individual_broker":
            return self.person_variant(original.name, country, heavy)
        core, kind, legal = meta.get("core", ""), meta.get("type", ""), meta.get("legal", "")
        if not core:  # destination actors, sub-agents: light edits of the whole name
            name = original.name
            for old, news in SUFFIX_SWAPS.items():
                if name.endswith(" " + old) and rng.random() < 0.6:
                    name = (name[: -len(old)] + rng.choice(news)).strip()
            if name.startswith("Al ") and rng.random() < 0.3:
                name = "Al-" + name[3:]
            if heavy and rng.random() < 0.35:
                name = self.typo(name)
            return name if rng.random() > 0.2 else name.upper()
        if country == "VN":
            if rng.random() < 0.5:  # the English name
                ascii_core = _strip_accents(core)
                return (
                    f"{ascii_core} {rng.choice(['International Manpower', 'Human Resources', 'Manpower'])} "
                    + rng.choice(["JSC", "Co., Ltd", "Joint Stock Company", ""]).strip()
                )
            legal2 = rng.choice(["CP", "Cổ phần", "TNHH", ""])
            name = f"Công ty {legal2} {kind} {core}".replace("  ", " ")
            if heavy and rng.random() < 0.4:
                name = _strip_accents(name)
            return name if not (heavy and rng.random() < 0.3) else self.typo(name)
        new_core, new_kind, new_legal = core, kind, legal
        if legal and rng.random() < 0.7:
            new_legal = rng.choice(SUFFIX_SWAPS.get(legal, [legal]))
        if kind and rng.random() < (0.5 if heavy else 0.25):
            new_kind = rng.choice(GENERIC_SWAPS.get(kind, [kind]))
        if heavy and rng.random() < 0.3:
            new_legal = ""
        words = new_core.split()
        r = rng.random()
        if heavy and len(words) > 1 and r < 0.05:
            words = [words[1], words[0], *words[2:]]  # word order
        elif len(words) > 1 and r < 0.09:
            words = ["".join(words[:2]), *words[2:]]  # joined ("Goldencrest")
        new_core = " ".join(words)
        if rng.random() < (0.3 if heavy else 0.1):
            new_core = self.typo(new_core)
            if heavy and rng.random() < 0.15:
                new_core = self.typo(new_core)
        prefix = "PT " if country == "ID" and rng.random() < 0.8 else ""
        name = prefix + " ".join(p for p in [new_core, new_kind, new_legal] if p)
        if heavy and country in ("NP", "IN", "BD") and rng.random() < 0.25:
            return to_script(name, "beng" if country == "BD" else "deva")
        r = rng.random()
        if r < 0.15:
            name = name.upper()
        elif r < 0.25:
            name = name.replace("&", "and").replace(".", "")
        return name

    def person_variant(self, name: str, country: str, heavy: bool) -> str:
        rng = self.rng
        parts = name.split()
        r = rng.random()
        if len(parts) > 2 and r < 0.35:
            parts = [parts[0], parts[-1]] if rng.random() < 0.6 else [parts[0], parts[1][0] + ".", parts[-1]]
        elif r < 0.45 and country != "VN":
            parts = [parts[-1], *parts[:-1]]  # family name first
        out = " ".join(parts)
        if heavy and rng.random() < 0.3:
            out = self.typo(out)
        if country == "NP" and heavy and rng.random() < 0.2:
            out = to_script(out, "deva")
        if country == "VN" and rng.random() < 0.5:
            out = _strip_accents(out)
        return out

    # -- actors
    def regulator_actors(self) -> None:
        for cc, (ident, name) in [*REGULATORS.items(), *LEGACY_REGULATORS.items()]:
            self.regulators.append(
                GenActor(
                    key=0,
                    cluster_id=self._cluster(),
                    kind="regulator",
                    identifier=ident,
                    name=name,
                    country=cc,
                    city=CITIES[cc][0][0],
                    source="register",
                )
            )

    def agency(self, country: str) -> tuple[GenActor, dict[str, str]]:
        rng = self.rng
        name, core, kind, legal = self.agency_name(country)
        reg_id = REGULATORS[country][0]
        valid_from = _date_between(rng, dt.date(2008, 1, 1), REFERENCE_DATE - dt.timedelta(days=30))
        number, serial = self.licence_number(country, valid_from.year)
        licence = GenLicence(
            regulator=reg_id,
            number=number,
            valid_from=valid_from,
            history=self.licence_history(country, valid_from),
        )
        city = self.city(country)
        phones = [self.phone(country, mobile=False)]
        if rng.random() < 0.6:
            phones.append(self.phone(country, mobile=True))
        slug = "".join(c for c in _strip_accents(core).lower() if c.isalnum())
        aliases = []
        if country in ("NP", "BD") and rng.random() < 0.3:
            aliases.append(to_script(name, "beng" if country == "BD" else "deva"))
        if country == "VN" and rng.random() < 0.6:
            aliases.append(f"{_strip_accents(core)} International Manpower JSC")
        a = self._new_actor(
            cluster_id=self._cluster(),
            kind="licensed_agency",
            identifier=f"{reg_id}-{serial}",
            name=name,
            country=country,
            city=city,
            address=self.address(country, city),
            phones=phones,
            websites=[f"https://www.{slug}{serial}{WEB_TLD[country]}"] if rng.random() < 0.5 else [],
            social_handles=[f"facebook.com/{slug}{serial}"] if rng.random() < 0.4 else [],
            aliases=aliases,
            licence=licence,
            source="register",
        )
        return self._add(a), {"core": core, "type": kind, "legal": legal}

    def sub_agent(self, agency: GenActor, person: bool) -> GenActor:
        rng = self.rng
        country = agency.country
        city = self.city(country) if rng.random() < 0.5 else rng.choice(CITIES[country])[0]
        if person:
            name, kind = self.person_name(country), "individual_broker"
        else:
            name, kind = self.sub_agent_name(country, city), "sub_agent"
        a = self._new_actor(
            cluster_id=self._cluster(),
            kind=kind,
            identifier=f"FR-R-{self._next('reported', 100001)}",
            name=name,
            country=country,
            city=city,
            address=self.address(country, city) if rng.random() < 0.4 else "",
            phones=[self.phone(country, mobile=True)],
            source="field_survey",
        )
        return self._add(a)

    def destination_actor(self, country: str, employer: bool) -> GenActor:
        rng = self.rng
        city = self.city(country)
        name = self.destination_name(country, employer)
        reg_id = REGULATORS[country][0]
        if employer:
            identifier = f"{country}-CR-{self._next(f'cr:{country}', 10001)}"
            licence = None
        else:
            valid_from = _date_between(rng, dt.date(2012, 1, 1), REFERENCE_DATE - dt.timedelta(days=30))
            number, serial = self.licence_number(country, valid_from.year)
            identifier = f"{reg_id}-{serial}"
            licence = GenLicence(
                regulator=reg_id,
                number=number,
                valid_from=valid_from,
                history=self.licence_history(country, valid_from),
            )
        a = self._new_actor(
            cluster_id=self._cluster(),
            kind="employer" if employer else "destination_agency",
            identifier=identifier,
            name=name,
            country=country,
            city=city,
            address=self.address(country, city),
            phones=[self.phone(country, mobile=False)],
            licence=licence,
            source="register",
        )
        return self._add(a)

    def duplicates(self, original: GenActor, meta: dict[str, str]) -> list[GenActor]:
        """The same actor as it appears elsewhere: another list, an older register, or worker reports."""
        rng = self.rng
        if rng.random() >= self.duplicate_rate:
            return []
        out: list[GenActor] = []
        for _ in range(rng.choices([1, 2, 3], weights=[6, 3, 1])[0]):
            country = original.country
            if original.kind == "licensed_agency":
                legacy_ok = country in LEGACY_REGULATORS and not any(
                    d.source == "legacy_register" for d in out
                )
                source = rng.choices(
                    ["directory", "worker_report", "legacy_register"],
                    weights=[35, 45, 20 if legacy_ok else 0],
                )[0]
            else:
                source = rng.choices(["directory", "worker_report"], weights=[2, 8])[0]
            heavy = source == "worker_report"
            p_city, p_addr, p_phone, p_lic = {
                "directory": (0.9, 0.6, 0.8, 0.75),
                "legacy_register": (0.95, 0.8, 0.7, 1.0),
                "worker_report": (
                    0.65,
                    0.15,
                    0.75 if original.kind in ("sub_agent", "individual_broker") else 0.6,
                    0.1,
                ),
            }[source]
            city = original.city
            if city and rng.random() < 0.06:  # a branch office, or the worker's home district
                city = self.city(country)
            elif city and rng.random() < 0.3:
                city = rng.choice(CITY_VARIANTS.get(city, [city]))
                if city.endswith("-"):
                    city += str(rng.randrange(1, 33))
            address = original.address
            if address and rng.random() < 0.12:  # moved, or an older address
                address = self.address(country, original.city)
            elif address and rng.random() < 0.4:
                address = address.replace(", " + original.city, "").replace("-", " ")
            phones: list[str] = []
            if original.phones and rng.random() < p_phone:
                chosen = rng.choice(original.phones)
                phones = [self.reformat_phone(country, chosen) if rng.random() < 0.7 else chosen]
                if rng.random() < 0.1:  # a number the original register does not have
                    phones.append(self.phone(country, mobile=True))
            elif rng.random() < 0.15:  # a number only this source knows
                phones = [self.phone(country, mobile=True)]
            number = ""
            if original.licence and rng.random() < p_lic:
                number = original.licence.number
                if source == "legacy_register":
                    number = self.legacy_number(country, number)
                elif rng.random() < 0.6:
                    number = self.variant_licence_number(country, number)
            licence = None
            if source == "legacy_register":
                reg_id = LEGACY_REGULATORS[country][0]
                identifier = f"{reg_id}-{self._next(reg_id, 1)}"
                issued = original.licence.valid_from if original.licence else dt.date(2015, 1, 1)
                closed = dt.date(2023, 2, 1) if country == "PH" else dt.date(2024, 8, 1)
                licence = GenLicence(
                    regulator=reg_id,
                    number=number,
                    valid_from=issued,
                    history=[
                        GenStatus("active", issued, closed, "Licence issued"),
                        GenStatus(
                            "expired", closed, closed, "Register closed: licences moved to the new regulator"
                        ),
                    ]
                    if issued < closed
                    else [GenStatus("expired", closed, closed, "Register closed")],
                )
                kind = original.kind
            elif source == "directory":
                identifier = f"{country}-DIR-{self._next(f'dir:{country}', 1)}"
                kind = original.kind
            else:
                identifier = f"FR-R-{self._next('reported', 100001)}"
                kind = (
                    "reported"
                    if original.kind in ("licensed_agency", "destination_agency", "employer")
                    else original.kind
                )
            d = self._new_actor(
                cluster_id=original.cluster_id,
                kind=kind,
                identifier=identifier,
                name=self.name_variant(original, heavy, meta),
                country=country,
                city=city if rng.random() < p_city else "",
                address=address if rng.random() < p_addr else "",
                phones=phones,
                licence=licence,
                licence_number="" if licence else number,
                source=source,
                duplicate_of=original.key,
            )
            out.append(self._add(d))
        return out

    def job_orders_for(self, employer: GenActor, agencies: list[GenActor]) -> None:
        rng = self.rng
        for _ in range(rng.choices([1, 2, 3, 4], weights=[4, 3, 2, 1])[0]):
            agency = rng.choice(agencies)
            occupation, isco, factor = rng.choice(OCCUPATIONS)
            reg_id = REGULATORS[agency.country][0]
            valid_from = _date_between(rng, dt.date(2022, 1, 1), REFERENCE_DATE)
            wage = Decimal(round(BASE_WAGE[employer.country] * factor * rng.uniform(0.9, 1.4) / 50) * 50)
            self.job_orders.append(
                GenJobOrder(
                    number=f"{reg_id.split('-')[1]}-JO-{valid_from.year}-{self._next(f'jo:{reg_id}', 1):05d}",
                    employer=employer.identifier,
                    agency=agency.identifier,
                    approved_by=reg_id,
                    destination=employer.country,
                    occupation=occupation,
                    isco08=isco,
                    positions=rng.choice([1, 2, 5, 10, 20, 25, 40, 50, 100, 150]),
                    wage_amount=wage,
                    wage_currency=CURRENCY[employer.country],
                    valid_from=valid_from,
                    valid_until=_add_years(valid_from, 1)
                    if rng.random() < 0.5
                    else valid_from + dt.timedelta(days=180),
                )
            )

    def run(self, n_agencies: int, job_orders: bool) -> Registry:
        rng = self.rng
        self.regulator_actors()
        agencies: list[GenActor] = []
        dest_agencies: dict[str, list[GenActor]] = {c: [] for c in DESTINATIONS}
        for i in range(n_agencies):
            country = rng.choices(ORIGINS, weights=ORIGIN_WEIGHTS)[0]
            agency, meta = self.agency(country)
            agencies.append(agency)
            self.duplicates(agency, meta)
            for _ in range(rng.choices([0, 1, 2, 3], weights=[4, 3, 2, 1])[0]):
                sub = self.sub_agent(agency, person=False)
                self.relationships.append(
                    GenRelationship(
                        sub.identifier,
                        agency.identifier,
                        "works_for",
                        _date_between(rng, dt.date(2015, 1, 1), REFERENCE_DATE),
                    )
                )
                self.duplicates(sub, {})
            for _ in range(rng.choices([0, 1, 2], weights=[5, 4, 1])[0]):
                broker = self.sub_agent(agency, person=True)
                self.relationships.append(
                    GenRelationship(
                        broker.identifier,
                        agency.identifier,
                        "works_for",
                        _date_between(rng, dt.date(2015, 1, 1), REFERENCE_DATE),
                    )
                )
                self.duplicates(broker, {})
            if i % 12 == 0:  # destination agencies and employers grow with the origin side
                dest = rng.choice(DESTINATIONS)
                d = self.destination_actor(dest, employer=False)
                dest_agencies[dest].append(d)
                self.duplicates(d, {})
            if i % 5 == 0:
                dest = rng.choice(DESTINATIONS)
                emp = self.destination_actor(dest, employer=True)
                self.duplicates(emp, {})
                partners = rng.sample(agencies[-200:], k=min(len(agencies[-200:]), rng.randrange(1, 4)))
                for ag in partners:
                    self.relationships.append(
                        GenRelationship(
                            emp.identifier,
                            ag.identifier,
                            "recruits_through",
                            _date_between(rng, dt.date(2018, 1, 1), REFERENCE_DATE),
                        )
                    )
                if job_orders:
                    self.job_orders_for(emp, partners)
        for dlist in dest_agencies.values():
            for d in dlist:
                for ag in rng.sample(agencies, k=min(len(agencies), rng.randrange(1, 6))):
                    self.relationships.append(
                        GenRelationship(
                            ag.identifier,
                            d.identifier,
                            "partners_with",
                            _date_between(rng, dt.date(2016, 1, 1), REFERENCE_DATE),
                        )
                    )
        return Registry(
            seed=self.seed,
            regulators=self.regulators,
            actors=self.actors,
            relationships=self.relationships,
            job_orders=self.job_orders,
        )


def _strip_accents(text: str) -> str:
    import unicodedata

    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def generate_registry(
    n_agencies: int,
    seed: int,
    duplicate_rate: float = 0.3,
    *,
    job_orders: bool = True,
    as_of: dt.date | None = None,
) -> Registry:
    """A synthetic registry around ``n_agencies`` licensed agencies, the same for the same arguments.

    ``duplicate_rate`` is the share of actors that also appear as one to three other records (another list, an
    older register, worker reports); those records share the original's ``cluster_id``. Dates are as of
    ``REFERENCE_DATE``, or moved to ``as_of`` (``Registry.shifted``: the same registry, its dates relative to that
    day)."""
    if not 0 <= duplicate_rate <= 1:
        raise ValueError("duplicate_rate must be between 0 and 1")
    paused = gc.isenabled()
    gc.disable()  # many small objects: the collector would take most of the time
    try:
        registry = _Generator(seed, duplicate_rate).run(n_agencies, job_orders)
    finally:
        if paused:
            gc.enable()
    return registry if as_of is None else registry.shifted(as_of)


def iter_linkage_records(n_records: int, seed: int, duplicate_rate: float = 0.3) -> Iterator[dict[str, Any]]:
    """``n_records`` flat records (every kind but regulators) with ``cluster_id`` truth, for benchmarks."""
    n_agencies = max(1, int(n_records / (3.2 + 2.0 * duplicate_rate)))
    while True:
        reg = generate_registry(n_agencies, seed, duplicate_rate, job_orders=False)
        if len(reg.actors) >= n_records:
            break
        n_agencies = int(n_agencies * 1.1) + 1
    for i, rec in enumerate(reg.records()):
        if i >= n_records:
            return
        yield rec


# ---------------------------------------------------------------------------------------------- database
def load_into_db(
    registry: Registry, actor_user: User | None = None, *, batch_size: int = 2000
) -> dict[str, int]:
    """Write a generated registry into the database, in bulk, with licence histories, in one transaction.

    Records whose identifier is already there are skipped, so loading the same registry twice changes nothing.
    One audit event (``registry.generated_load``) records what was added. Returns counts of what was created."""
    from django.db import transaction

    from fairrecruit.core.services import audit_record
    from fairrecruit.registry.models import (
        Actor,
        Alias,
        JobOrder,
        Licence,
        LicenceStatusChange,
        Relationship,
    )
    from fairrecruit.registry.names import search_text, standardise_licence, standardise_name

    note = f"synthetic registry (seed {registry.seed})"
    counts = dict.fromkeys(
        ["actors", "aliases", "licences", "licence_history", "relationships", "job_orders"], 0
    )
    everyone = [*registry.regulators, *registry.actors]
    with transaction.atomic():
        existing = set(
            Actor.objects.filter(identifier__in=[a.identifier for a in registry.regulators]).values_list(
                "identifier", flat=True
            )
        )
        for start in range(0, len(registry.actors), 20000):
            chunk = [a.identifier for a in registry.actors[start : start + 20000]]
            existing |= set(Actor.objects.filter(identifier__in=chunk).values_list("identifier", flat=True))
        new = [a for a in everyone if a.identifier not in existing]

        Actor.objects.bulk_create(
            [
                Actor(
                    identifier=a.identifier,
                    kind=a.kind,
                    name=a.name,
                    name_std=standardise_name(a.name),
                    search_text=search_text(
                        [a.name, *a.aliases],
                        a.phones,
                        [standardise_licence(a.licence.number)] if a.licence else [],
                        [*a.websites, *a.social_handles],
                    ),
                    country=a.country,
                    city=a.city,
                    address=a.address,
                    phones=a.phones,
                    websites=a.websites,
                    social_handles=a.social_handles,
                    source_note=f"{note}: {a.source}",
                )
                for a in new
            ],
            batch_size=batch_size,
        )
        counts["actors"] = len(new)
        ids: dict[str, int] = {}
        for start in range(0, len(everyone), 20000):
            chunk = [a.identifier for a in everyone[start : start + 20000]]
            ids.update(Actor.objects.filter(identifier__in=chunk).values_list("identifier", "id"))
        aliases = [
            Alias(actor_id=ids[a.identifier], name=al, name_std=standardise_name(al), source_note=note)
            for a in new
            for al in a.aliases
            if al and al != a.name
        ]
        Alias.objects.bulk_create(aliases, batch_size=batch_size, ignore_conflicts=True)
        counts["aliases"] = len(aliases)
        with_licence = [a for a in new if a.licence]
        Licence.objects.bulk_create(
            [
                Licence(
                    actor_id=ids[a.identifier],
                    regulator_id=ids[a.licence.regulator],
                    number=a.licence.number,
                    number_std=standardise_licence(a.licence.number),
                    status=a.licence.status,
                    valid_from=a.licence.valid_from,
                    valid_until=a.licence.valid_until,
                )
                for a in with_licence
                if a.licence
            ],
            batch_size=batch_size,
        )
        counts["licences"] = len(with_licence)
        lic_ids: dict[int, int] = {}
        actor_ids = [ids[a.identifier] for a in with_licence]
        for start in range(0, len(actor_ids), 20000):
            lic_ids.update(
                Licence.objects.filter(actor_id__in=actor_ids[start : start + 20000]).values_list(
                    "actor_id", "id"
                )
            )
        history = [
            LicenceStatusChange(
                licence_id=lic_ids[ids[a.identifier]],
                status=h.status,
                valid_until=h.valid_until,
                effective_date=h.effective_date,
                reason=h.reason,
                source_note=note,
            )
            for a in with_licence
            if a.licence
            for h in a.licence.history
        ]
        LicenceStatusChange.objects.bulk_create(history, batch_size=batch_size)
        counts["licence_history"] = len(history)
        rels = [
            Relationship(
                source_id=ids[r.source], target_id=ids[r.target], kind=r.kind, start=r.start, source_note=note
            )
            for r in registry.relationships
        ]
        before = Relationship.objects.count()
        Relationship.objects.bulk_create(rels, batch_size=batch_size, ignore_conflicts=True)
        counts["relationships"] = Relationship.objects.count() - before
        before = JobOrder.objects.count()
        JobOrder.objects.bulk_create(
            [
                JobOrder(
                    number=j.number,
                    employer_id=ids[j.employer],
                    agency_id=ids[j.agency],
                    approved_by_id=ids[j.approved_by],
                    destination=j.destination,
                    occupation=j.occupation,
                    isco08=j.isco08,
                    positions=j.positions,
                    wage_amount=j.wage_amount,
                    wage_currency=j.wage_currency,
                    valid_from=j.valid_from,
                    valid_until=j.valid_until,
                    source_note=note,
                )
                for j in registry.job_orders
            ],
            batch_size=batch_size,
            ignore_conflicts=True,
        )
        counts["job_orders"] = JobOrder.objects.count() - before
        if any(counts.values()):
            audit_record(
                actor=actor_user,
                action="registry.generated_load",
                target=("registry.registry", note),
                new=counts,
            )
    return counts
