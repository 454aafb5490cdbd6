"""The demo event: a realistic two-day brokerage event with 120 approved participants.

`flask --app brokerage demo` calls `load_demo()` and commits. The loader is deterministic for
a given seed (one `random.Random(seed)` drives every choice) and safe to run twice: when the
event `demo` exists it changes nothing and says so.

Each part of the event has its own function (accounts, event, sessions, tables,
participants, booths), so later parts such as meeting requests slot in as one more step.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import insert, inspect, select
from werkzeug.security import generate_password_hash

from brokerage import mail
from brokerage.auth.models import User
from brokerage.auth.services import find_user_by_email
from brokerage.checkin import services as checkin
from brokerage.db_types import utcnow
from brokerage.events import services as events
from brokerage.events.defaults import DEFAULT_PARTICIPANT_TYPES, DEFAULT_TOPICS
from brokerage.events.models import Event, Table
from brokerage.extensions import db
from brokerage.marketplace.search import reindex_event
from brokerage.meetings.models import MeetingRequest, RequestPriority, RequestStatus
from brokerage.registration import services as registration
from brokerage.registration.models import (
    OpportunityKind,
    OrganisationSize,
    Participant,
    ParticipantStatus,
)
from brokerage.registration.services import OpportunityData, RegistrationData
from brokerage.scheduling.models import RunMode, RunState, ScheduleRun
from brokerage.urls import link_context

DEMO_SLUG = "demo"
ADMIN_EMAIL = "admin@example.org"
ADMIN_PASSWORD = "demo-admin"  # noqa: S105 - published demo login
ORGANISER_EMAIL = "organiser@example.org"
ORGANISER_PASSWORD = "demo-organiser"  # noqa: S105 - published demo login
STAFF_EMAIL = "staff@example.org"  # check-in staff of the demo event
STAFF_PASSWORD = "demo-staff"  # noqa: S105 - published demo login
PARTICIPANT_PASSWORD = "demo-participant"  # noqa: S105 - published demo login
PARTICIPANT_COUNT = 120
TABLE_COUNT = 40
BOOTH_COUNT = 6
TIMEZONE = "Europe/Brussels"

# (day index, name, local start, local end)
SESSION_PLAN: tuple[tuple[int, str, time, time], ...] = (
    (0, "Day 1 morning", time(9, 0), time(12, 30)),
    (0, "Day 1 afternoon", time(14, 0), time(17, 30)),
    (1, "Day 2 morning", time(9, 0), time(12, 30)),
    (1, "Day 2 afternoon", time(14, 0), time(17, 30)),
)


def participant_email(number: int) -> str:
    return f"participant{number}@example.org"


# --- Who comes: countries with names that match them --------------------------------------


@dataclass(frozen=True)
class CountryData:
    code: str  # ISO 3166-1 alpha-2
    weight: int  # how many participants, relatively
    dialling_code: str
    cities: tuple[str, ...]
    male_first: tuple[str, ...]
    female_first: tuple[str, ...]
    male_last: tuple[str, ...]
    # Where family names change with gender (Polish, Czech, Greek, Baltic, ...): same order.
    female_last: tuple[str, ...] = ()
    company_suffix: str = "Ltd"

    def last_names(self, female: bool) -> tuple[str, ...]:
        return self.female_last if female and self.female_last else self.male_last


COUNTRIES: tuple[CountryData, ...] = (
    CountryData(
        "BE",
        8,
        "+32",
        ("Brussels", "Ghent", "Leuven", "Liège", "Antwerp", "Charleroi"),
        ("Pieter", "Thomas", "Wout", "Jérôme", "Maxime", "Koen"),
        ("Zoë", "Lotte", "Élodie", "Fien", "Camille", "Anneleen"),
        ("Janssens", "Peeters", "Maes", "Dubois", "Lambert", "Vermeulen", "De Smet"),
        company_suffix="BV",
    ),
    CountryData(
        "NL",
        6,
        "+31",
        ("Eindhoven", "Delft", "Rotterdam", "Utrecht", "Groningen"),
        ("Daan", "Sjoerd", "Bram", "Joost", "Ruud"),
        ("Fleur", "Anouk", "Marieke", "Eline", "Iris"),
        ("de Vries", "van den Berg", "Bakker", "Visser", "Smit", "de Jong"),
        company_suffix="B.V.",
    ),
    CountryData(
        "DE",
        9,
        "+49",
        ("Stuttgart", "München", "Dresden", "Aachen", "Karlsruhe", "Bremen"),
        ("Jürgen", "Lukas", "Matthias", "Jörg", "Felix", "Tobias"),
        ("Anna", "Katrin", "Lena", "Miriam", "Franziska", "Jana"),
        ("Müller", "Schröder", "Weiß", "Becker", "Hoffmann", "Köhler", "Schäfer"),
        company_suffix="GmbH",
    ),
    CountryData(
        "FR",
        8,
        "+33",
        ("Lyon", "Grenoble", "Toulouse", "Nantes", "Lille", "Bordeaux"),
        ("François", "Mathieu", "Loïc", "Théo", "Benoît", "Julien"),
        ("Hélène", "Céline", "Aurélie", "Maëlle", "Sophie", "Inès"),
        ("Lefèvre", "Girard", "Moreau", "Rousseau", "Faure", "Mercier", "Bonnet"),
        company_suffix="SAS",
    ),
    CountryData(
        "ES",
        8,
        "+34",
        ("Bilbao", "Valencia", "Sevilla", "Zaragoza", "Barcelona", "Málaga"),
        ("José", "Iñaki", "Álvaro", "Javier", "Andrés", "Sergio"),
        ("Lucía", "María", "Nerea", "Begoña", "Ainhoa", "Marta"),
        ("Martínez", "Fernández", "Etxeberria", "García", "López", "Sánchez", "Núñez"),
        company_suffix="S.L.",
    ),
    CountryData(
        "PT",
        5,
        "+351",
        ("Porto", "Lisboa", "Braga", "Aveiro", "Coimbra"),
        ("João", "Tiago", "Gonçalo", "Rui", "Nuno"),
        ("Inês", "Beatriz", "Sofia", "Joana", "Mariana"),
        ("Gonçalves", "Araújo", "Ferreira", "Simões", "Magalhães", "Conceição"),
        company_suffix="Lda.",
    ),
    CountryData(
        "IT",
        8,
        "+39",
        ("Bologna", "Torino", "Milano", "Bari", "Padova", "Trento"),
        ("Niccolò", "Marco", "Lorenzo", "Matteo", "Giacomo", "Davide"),
        ("Giulia", "Chiara", "Francesca", "Elisa", "Sara", "Martina"),
        ("Ricci", "Galli", "Rossi", "Esposito", "Bianchi", "Fabbri", "Colombo"),
        company_suffix="S.r.l.",
    ),
    CountryData(
        "PL",
        7,
        "+48",
        ("Kraków", "Wrocław", "Poznań", "Gdańsk", "Łódź", "Lublin"),
        ("Łukasz", "Paweł", "Michał", "Grzegorz", "Tomasz", "Wojciech"),
        ("Katarzyna", "Małgorzata", "Agnieszka", "Zofia", "Joanna", "Magdalena"),
        ("Wiśniewski", "Kowalski", "Wójcik", "Zieliński", "Lewandowski", "Dąbrowski"),
        ("Wiśniewska", "Kowalska", "Wójcik", "Zielińska", "Lewandowska", "Dąbrowska"),
        company_suffix="sp. z o.o.",
    ),
    CountryData(
        "CZ",
        4,
        "+420",
        ("Brno", "Praha", "Ostrava", "Plzeň"),
        ("Jiří", "Tomáš", "Ondřej", "Lukáš", "Petr"),
        ("Tereza", "Lucie", "Kateřina", "Markéta", "Veronika"),
        ("Dvořák", "Novák", "Procházka", "Černý", "Kučera"),
        ("Dvořáková", "Nováková", "Procházková", "Černá", "Kučerová"),
        company_suffix="s.r.o.",
    ),
    CountryData(
        "SK",
        3,
        "+421",
        ("Bratislava", "Košice", "Žilina"),
        ("Ľubomír", "Martin", "Juraj", "Peter"),
        ("Zuzana", "Lenka", "Jana", "Mária"),
        ("Horváth", "Kováč", "Baláž", "Tóth"),
        ("Horváthová", "Kováčová", "Balážová", "Tóthová"),
        company_suffix="s.r.o.",
    ),
    CountryData(
        "AT",
        4,
        "+43",
        ("Wien", "Graz", "Linz", "Innsbruck"),
        ("Florian", "Andreas", "Stefan", "Günther"),
        ("Katharina", "Theresa", "Birgit", "Johanna"),
        ("Gruber", "Huber", "Wagner", "Pichler", "Steiner"),
        company_suffix="GmbH",
    ),
    CountryData(
        "HU",
        4,
        "+36",
        ("Budapest", "Debrecen", "Szeged", "Győr"),
        ("Dávid", "Gábor", "Zoltán", "Bence"),
        ("Eszter", "Réka", "Zsófia", "Anikó"),
        ("Nagy", "Kovács", "Szabó", "Tóth", "Horváth", "Varga"),
        company_suffix="Kft.",
    ),
    CountryData(
        "RO",
        4,
        "+40",
        ("Cluj-Napoca", "Iași", "Timișoara", "Brașov"),
        ("Ștefan", "Andrei", "Mihai", "Bogdan"),
        ("Ioana", "Alexandra", "Elena", "Raluca"),
        ("Popescu", "Rădulescu", "Ionescu", "Stănescu", "Dumitrescu"),
        company_suffix="S.R.L.",
    ),
    CountryData(
        "BG",
        3,
        "+359",
        ("Sofia", "Plovdiv", "Varna"),
        ("Георги", "Димитър", "Николай", "Иван"),
        ("Мария", "Десислава", "Елена", "Гергана"),
        ("Иванов", "Петров", "Георгиев", "Димитров"),
        ("Иванова", "Петрова", "Георгиева", "Димитрова"),
        company_suffix="EOOD",
    ),
    CountryData(
        "GR",
        5,
        "+30",
        ("Athens", "Thessaloniki", "Heraklion", "Patras"),
        ("Γιώργος", "Δημήτρης", "Νίκος", "Κώστας", "Αλέξανδρος"),
        ("Ελένη", "Μαρία", "Κατερίνα", "Σοφία", "Δέσποινα"),
        ("Παπαδόπουλος", "Οικονόμου", "Γεωργίου", "Νικολάου", "Παπαδάκης"),
        ("Παπαδοπούλου", "Οικονόμου", "Γεωργίου", "Νικολάου", "Παπαδάκη"),
        company_suffix="IKE",
    ),
    CountryData(
        "HR",
        3,
        "+385",
        ("Zagreb", "Split", "Rijeka", "Osijek"),
        ("Ivan", "Matija", "Luka", "Tomislav"),
        ("Ana", "Petra", "Ivana", "Maja"),
        ("Marković", "Horvat", "Kovačević", "Babić", "Jurić"),
        company_suffix="d.o.o.",
    ),
    CountryData(
        "SI",
        3,
        "+386",
        ("Ljubljana", "Maribor", "Celje"),
        ("Nejc", "Matej", "Rok", "Gregor"),
        ("Špela", "Nina", "Urška", "Tjaša"),
        ("Novak", "Kranjc", "Zupančič", "Potočnik"),
        company_suffix="d.o.o.",
    ),
    CountryData(
        "DK",
        3,
        "+45",
        ("Aarhus", "Odense", "København", "Aalborg"),
        ("Søren", "Mads", "Anders", "Rasmus"),
        ("Mette", "Sofie", "Trine", "Ida"),
        ("Jørgensen", "Sørensen", "Nielsen", "Møller", "Kjær"),
        company_suffix="ApS",
    ),
    CountryData(
        "SE",
        3,
        "+46",
        ("Göteborg", "Malmö", "Umeå", "Linköping"),
        ("Björn", "Erik", "Johan", "Måns"),
        ("Åsa", "Karin", "Linnéa", "Maja"),
        ("Lindström", "Bergström", "Johansson", "Åberg", "Sjöberg"),
        company_suffix="AB",
    ),
    CountryData(
        "FI",
        3,
        "+358",
        ("Tampere", "Oulu", "Espoo", "Turku"),
        ("Jussi", "Mikko", "Antti", "Ville"),
        ("Päivi", "Riikka", "Sanna", "Aino"),
        ("Mäkinen", "Hämäläinen", "Virtanen", "Korhonen", "Järvinen"),
        company_suffix="Oy",
    ),
    CountryData(
        "IE",
        3,
        "+353",
        ("Cork", "Galway", "Dublin", "Limerick"),
        ("Seán", "Cian", "Eoin", "Pádraig"),
        ("Siobhán", "Aoife", "Niamh", "Róisín"),
        ("Murphy", "Kelly", "O'Sullivan", "Ó Briain", "Walsh"),
        company_suffix="Ltd",
    ),
    CountryData(
        "EE",
        2,
        "+372",
        ("Tallinn", "Tartu"),
        ("Mart", "Tõnu", "Rasmus", "Andres"),
        ("Kadri", "Triin", "Liis", "Kärt"),
        ("Tamm", "Saar", "Sepp", "Mägi", "Kask"),
        company_suffix="OÜ",
    ),
    CountryData(
        "LT",
        2,
        "+370",
        ("Vilnius", "Kaunas", "Klaipėda"),
        ("Jonas", "Mantas", "Tomas", "Darius"),
        ("Rūta", "Eglė", "Ieva", "Gintarė"),
        ("Kazlauskas", "Petrauskas", "Jankauskas", "Žukauskas"),
        ("Kazlauskienė", "Petrauskienė", "Jankauskienė", "Žukauskienė"),
        company_suffix="UAB",
    ),
    CountryData(
        "LV",
        2,
        "+371",
        ("Rīga", "Jelgava", "Liepāja"),
        ("Jānis", "Andris", "Mārtiņš", "Kārlis"),
        ("Līga", "Ilze", "Kristīne", "Dace"),
        ("Bērziņš", "Kalniņš", "Ozoliņš", "Liepiņš"),
        ("Bērziņa", "Kalniņa", "Ozoliņa", "Liepiņa"),
        company_suffix="SIA",
    ),
    CountryData(
        "LU",
        1,
        "+352",
        ("Luxembourg", "Esch-sur-Alzette"),
        ("Luc", "Marc", "Yves"),
        ("Claudine", "Anne", "Michèle"),
        ("Schmit", "Weber", "Hoffmann", "Wagner"),
        company_suffix="S.à r.l.",
    ),
    CountryData(
        "CY",
        1,
        "+357",
        ("Nicosia", "Limassol"),
        ("Ανδρέας", "Χρίστος", "Μιχάλης"),
        ("Χριστίνα", "Άννα", "Ραφαέλα"),
        ("Χαραλάμπους", "Κωνσταντίνου", "Ιωάννου"),
        company_suffix="Ltd",
    ),
    CountryData(
        "MT",
        1,
        "+356",
        ("Valletta", "Msida"),
        ("Ġużeppi", "Matthew", "Luke"),
        ("Marija", "Ċetta", "Rebecca"),
        ("Borg", "Camilleri", "Farrugia", "Vella"),
        company_suffix="Ltd",
    ),
)


# --- What they do: topics and their vocabulary --------------------------------------------


@dataclass(frozen=True)
class TopicData:
    name: str  # one of DEFAULT_TOPICS
    field: str  # "Institute for <field>", "<city> <field> Cluster"
    activity: str  # "... works on <activity>."
    brand_stems: tuple[str, ...]  # company names
    # (kind, title, description), written for a company in this field
    opportunities: tuple[tuple[OpportunityKind, str, str], ...]


OFFER, REQUEST, PARTNERSHIP = (
    OpportunityKind.OFFER,
    OpportunityKind.REQUEST,
    OpportunityKind.PARTNERSHIP,
)

TOPICS: tuple[TopicData, ...] = (
    TopicData(
        "Energy transition",
        "Energy Systems",
        "renewable energy integration, storage and smart grids",
        ("HelioWatt", "Voltaris", "ThermoLoop", "Hydrogenix", "GridWise", "Windcraft", "Solenne"),
        (
            (
                OFFER,
                "Battery management software for second-life storage",
                "Our software grades used EV batteries and runs them as stationary storage. We "
                "offer licences and joint pilots with utilities and housing companies.",
            ),
            (
                OFFER,
                "Heat-pump retrofit kit for multi-family buildings",
                "A pre-assembled kit that cuts installation time by half. Looking for installers "
                "and distributors in new markets.",
            ),
            (
                REQUEST,
                "Pilot site for green hydrogen in an industrial park",
                "We seek an industrial host with a steady heat or hydrogen demand to pilot a "
                "1 MW electrolyser in 2027.",
            ),
            (
                REQUEST,
                "Partners for energy communities in rural municipalities",
                "We look for municipalities and cooperatives that want to set up a renewable "
                "energy community and share our metering platform.",
            ),
            (
                PARTNERSHIP,
                "Consortium for a Horizon Europe call on grid flexibility",
                "Building a consortium on demand response and flexibility markets; we need a "
                "DSO, an aggregator and a university partner.",
            ),
            (
                PARTNERSHIP,
                "Joint development of low-temperature district heating",
                "Looking for a research partner and a utility to co-develop control algorithms "
                "for fourth-generation district heating.",
            ),
        ),
    ),
    TopicData(
        "Digital growth",
        "Digital Technologies",
        "data platforms, artificial intelligence and cybersecurity for industry and services",
        ("DataFjord", "Kodex Labs", "NimbusEdge", "PixelForge", "Quantix", "Cipherion", "Lumen AI"),
        (
            (
                OFFER,
                "Computer-vision quality inspection for production lines",
                "Off-the-shelf cameras and our models find surface defects in real time. Offered "
                "as a service with a four-week proof of concept.",
            ),
            (
                OFFER,
                "Cybersecurity audits tailored to SMEs (NIS2 readiness)",
                "A fixed-price audit and roadmap for small firms that fall under NIS2. We look "
                "for resellers and regional partners.",
            ),
            (
                REQUEST,
                "Data-sharing partners for a tourism data space",
                "We build a regional tourism data space and look for hotels, transport operators "
                "and destination agencies willing to share anonymised data.",
            ),
            (
                REQUEST,
                "Test users for a multilingual public-service chatbot",
                "Seeking municipalities and agencies to test a chatbot answering citizens in "
                "their own language.",
            ),
            (
                PARTNERSHIP,
                "European Digital Innovation Hub collaboration",
                "Our EDIH wants twin hubs in other regions to exchange services, trainees and "
                "test-before-invest vouchers.",
            ),
            (
                PARTNERSHIP,
                "Co-development of an open-source digital twin toolkit",
                "Looking for a research group and two manufacturers to co-develop an open "
                "digital twin toolkit for small factories.",
            ),
        ),
    ),
    TopicData(
        "Circular economy",
        "Circular Materials",
        "recycling, reuse and sustainable materials",
        ("ReMat", "Cyclon Polymers", "Second Loop", "UpTextile", "Circulo", "Renova"),
        (
            (
                OFFER,
                "Recycled polymers for food-contact packaging",
                "Food-grade recycled PET and PP flakes with full traceability. We offer pilot "
                "quantities and technical support.",
            ),
            (
                OFFER,
                "Reverse logistics platform for electronics take-back",
                "Our platform organises collection, refurbishment and resale of used devices for "
                "retailers and producers.",
            ),
            (
                REQUEST,
                "Construction waste streams for upcycled building panels",
                "We need steady streams of gypsum and wood waste from demolition companies for "
                "our panel production.",
            ),
            (
                REQUEST,
                "Brands to pilot textile-to-textile recycling",
                "Looking for fashion and workwear brands that want to close the loop on "
                "post-consumer textiles.",
            ),
            (
                PARTNERSHIP,
                "Industrial symbiosis network across regions",
                "We map by-products and match them between companies. We seek clusters and "
                "agencies to extend the network.",
            ),
            (
                PARTNERSHIP,
                "Joint LIFE project on plastic-free packaging",
                "Partners wanted for a LIFE proposal: a retailer, a packaging producer and a "
                "university lab.",
            ),
        ),
    ),
    TopicData(
        "Agro-food",
        "Food and Agriculture",
        "precision farming, food processing and new proteins",
        ("AgroSense", "FermenTech", "GreenHarvest", "VitiSmart", "Oliveira Foods", "Granum"),
        (
            (
                OFFER,
                "Soil sensors and irrigation advice as a service",
                "Wireless soil-moisture sensors and an app that tells farmers when and how much "
                "to irrigate. Distributors wanted.",
            ),
            (
                OFFER,
                "Precision fermentation for dairy-free proteins",
                "We produce animal-free whey proteins by fermentation and offer samples to food "
                "manufacturers.",
            ),
            (
                REQUEST,
                "Farms to test drone-based crop monitoring",
                "Seeking arable and fruit farms to test multispectral drone monitoring during the "
                "2027 season.",
            ),
            (
                REQUEST,
                "Distribution partner for premium olive oil in Northern Europe",
                "An award-winning producer seeks importers and retail chains in the Nordic and "
                "Benelux markets.",
            ),
            (
                PARTNERSHIP,
                "Short food supply chains in rural areas",
                "Building a partnership of producers, logistics providers and regions on digital "
                "short supply chains.",
            ),
            (
                PARTNERSHIP,
                "Research cooperation on food waste valorisation",
                "We look for food processors and labs to turn side streams into ingredients.",
            ),
        ),
    ),
    TopicData(
        "Industrial modernisation",
        "Advanced Manufacturing",
        "robotics, additive manufacturing and smart production",
        ("Precisa Robotics", "MetalForm", "AddiTec 3D", "Toolwerk", "Mechatron", "Kinetika"),
        (
            (
                OFFER,
                "Collaborative robots for small-batch assembly",
                "Cobots with no-code programming, leased with training. Suited to SMEs with "
                "frequent product changes.",
            ),
            (
                OFFER,
                "Metal additive manufacturing of spare parts on demand",
                "We print certified spare parts in steel and titanium from digital inventories "
                "and seek industrial customers.",
            ),
            (
                REQUEST,
                "Supplier of lightweight composite components",
                "A machine builder looks for suppliers of carbon-fibre composite parts in small "
                "series.",
            ),
            (
                REQUEST,
                "Technology partner for predictive maintenance",
                "We want to retrofit our presses with sensors and look for a partner with "
                "predictive-maintenance software.",
            ),
            (
                PARTNERSHIP,
                "Interregional pilot lines for advanced materials",
                "Partnership of pilot lines under the I3 instrument; we seek pilot-line owners "
                "and SME users.",
            ),
            (
                PARTNERSHIP,
                "Skills academy for Industry 5.0",
                "Clusters and training providers wanted to co-design short courses on "
                "human-centred automation.",
            ),
        ),
    ),
    TopicData(
        "Blue economy",
        "Marine and Maritime",
        "aquaculture, marine renewables and sustainable shipping",
        ("AquaMarin", "Seaweed Solutions", "BlueNav", "Oceanix", "Tidal Works", "Portus"),
        (
            (
                OFFER,
                "Seaweed-based biostimulants for agriculture",
                "Our biostimulants are made from farmed seaweed. We seek distributors and field "
                "trials with growers.",
            ),
            (
                OFFER,
                "Underwater inspection drones for offshore assets",
                "Remote inspection of wind-farm foundations and aquaculture cages, as a service "
                "or for sale.",
            ),
            (
                REQUEST,
                "Port partners for shore power and green fuels",
                "We look for small and medium ports to pilot shore power and bunkering of green "
                "methanol.",
            ),
            (
                REQUEST,
                "Buyers of sustainably farmed mussels and oysters",
                "A producer cooperative seeks wholesalers and restaurants that value certified "
                "sustainable shellfish.",
            ),
            (
                PARTNERSHIP,
                "Consortium on multi-use offshore platforms",
                "Combining offshore wind with aquaculture: we need a wind developer, an "
                "aquaculture firm and a marine institute.",
            ),
            (
                PARTNERSHIP,
                "Blue biotech cooperation on marine microalgae",
                "Looking for labs and companies to screen microalgae for cosmetics and feed.",
            ),
        ),
    ),
    TopicData(
        "Health",
        "Health and Life Sciences",
        "medical devices, digital health and biotechnology",
        ("MedSense", "BioNexa", "CareBridge", "GenoMap", "Vitalis", "NeuroWave"),
        (
            (
                OFFER,
                "Remote monitoring platform for chronic patients",
                "A CE-marked platform connecting home devices with care teams; we seek hospitals "
                "and insurers for deployments.",
            ),
            (
                OFFER,
                "Contract research for in-vitro diagnostics",
                "Our lab validates in-vitro diagnostic assays under IVDR and offers capacity to "
                "start-ups.",
            ),
            (
                REQUEST,
                "Hospitals for a clinical study of a wearable ECG patch",
                "We need two or three hospitals to join a multicentre clinical study in 2027.",
            ),
            (
                REQUEST,
                "Regulatory expertise for MDR certification",
                "A start-up with a class IIa device looks for consultants experienced with MDR "
                "technical files.",
            ),
            (
                PARTNERSHIP,
                "Living lab for active and healthy ageing",
                "Regions, care providers and companies wanted to co-create services for older "
                "people living at home.",
            ),
            (
                PARTNERSHIP,
                "Joint proposal on AI for medical imaging",
                "Building a consortium with hospitals, a university and an imaging SME for the "
                "next EU4Health call.",
            ),
        ),
    ),
)


# --- Who they are: organisation kinds mapped to the event's participant types --------------


@dataclass(frozen=True)
class OrganisationKind:
    key: str
    type_name: str  # one of DEFAULT_PARTICIPANT_TYPES
    count: int  # participants of this kind; the counts add up to PARTICIPANT_COUNT
    sizes: tuple[OrganisationSize, ...]
    job_titles: tuple[str, ...]
    # Opportunities typical of the kind, with {field} and {activity} from the topic.
    opportunities: tuple[tuple[OpportunityKind, str, str], ...] = ()


S = OrganisationSize
ORGANISATION_KINDS: tuple[OrganisationKind, ...] = (
    OrganisationKind(
        "sme",
        "Company / SME",
        46,
        (S.MICRO, S.SMALL, S.SMALL, S.MEDIUM),
        (
            "CEO",
            "Co-founder and CTO",
            "Business development manager",
            "Head of R&D",
            "Export manager",
            "Managing director",
        ),
    ),
    OrganisationKind(
        "large",
        "Large company",
        9,
        (S.LARGE,),
        (
            "Open innovation manager",
            "Head of partnerships",
            "R&D programme manager",
            "Venture client lead",
        ),
        (
            (
                REQUEST,
                "Start-ups for our open-innovation programme in {field}",
                "Our corporate programme pilots solutions with start-ups and SMEs in {activity}. "
                "Selected teams get a paid pilot and access to our plants.",
            ),
        ),
    ),
    OrganisationKind(
        "university",
        "University or research organisation",
        14,
        (S.LARGE,),
        ("Professor", "Technology transfer officer", "Senior researcher", "EU project manager"),
        (
            (
                OFFER,
                "Laboratory services and joint research in {field}",
                "Our faculty offers testing, contract research and student projects on "
                "{activity}. We also host industrial PhDs.",
            ),
            (
                PARTNERSHIP,
                "Academic partner for Horizon Europe proposals in {field}",
                "An experienced coordinator and partner of EU projects on {activity}, looking for "
                "industrial partners for the next calls.",
            ),
        ),
    ),
    OrganisationKind(
        "research",
        "University or research organisation",
        10,
        (S.MEDIUM, S.LARGE),
        ("Head of unit", "Research director", "Business developer", "Senior scientist"),
        (
            (
                OFFER,
                "Pilot-line access and technology scouting in {field}",
                "Companies can test and scale up technologies for {activity} on our pilot "
                "lines, with our engineers.",
            ),
        ),
    ),
    OrganisationKind(
        "cluster",
        "Cluster",
        11,
        (S.MICRO, S.SMALL),
        ("Cluster manager", "International cooperation officer", "Project manager"),
        (
            (
                PARTNERSHIP,
                "Cluster-to-cluster cooperation in {field}",
                "We represent over 100 members working on {activity} and seek clusters in other "
                "regions for joint missions and Interreg projects.",
            ),
            (
                OFFER,
                "Soft-landing support for companies entering our region",
                "Introductions, desk space and market intelligence for companies in {activity} "
                "that want to enter our market.",
            ),
        ),
    ),
    OrganisationKind(
        "agency",
        "Public authority or agency",
        10,
        (S.SMALL, S.MEDIUM),
        (
            "Innovation adviser",
            "EU project officer",
            "Head of smart specialisation",
            "Investment promotion manager",
        ),
        (
            (
                PARTNERSHIP,
                "Interregional partnership on smart specialisation in {field}",
                "Our region's S3 priority includes {activity}. We seek regions to co-invest "
                "through the I3 instrument.",
            ),
            (
                OFFER,
                "Regional innovation vouchers for foreign SMEs",
                "Companies that open a branch or start a project with local partners can get "
                "vouchers and grants; we explain how.",
            ),
        ),
    ),
    OrganisationKind(
        "investor",
        "Investor",
        10,
        (S.MICRO, S.SMALL),
        ("Partner", "Investment manager", "Principal", "Venture analyst"),
        (
            (
                REQUEST,
                "Seed and Series A companies in {field}",
                "We invest €0.5–3 million in start-ups working on {activity} and meet founders "
                "raising in the next 12 months.",
            ),
            (
                OFFER,
                "Equity investment and board support for scale-ups",
                "Besides capital we offer a network of corporate partners and hands-on help with "
                "internationalisation.",
            ),
        ),
    ),
    OrganisationKind(
        "other",
        "Other",
        10,
        (S.MICRO, S.SMALL, S.MEDIUM),
        ("Policy officer", "Head of EU affairs", "Project coordinator", "Consultant"),
        (
            (
                OFFER,
                "EU funding advice for projects in {field}",
                "We help companies and public bodies find and write EU funding proposals on "
                "{activity}.",
            ),
        ),
    ),
)
assert sum(kind.count for kind in ORGANISATION_KINDS) == PARTICIPANT_COUNT
assert {topic.name for topic in TOPICS} == set(DEFAULT_TOPICS)
assert {kind.type_name for kind in ORGANISATION_KINDS} == {
    name for name, _ in DEFAULT_PARTICIPANT_TYPES
}


# --- The loader ----------------------------------------------------------------------------


def load_demo(seed: int = 2026, *, schedule_seconds: float | None = None) -> str:
    """Load the demo event and its people; flush, never commit. Return a printable summary.

    With `schedule_seconds`, also solve and publish a schedule (the solver's time limit), so
    demo participants see their agendas; done once, when the event has no published run.
    """
    if not inspect(db.session.connection()).has_table(Event.__tablename__):
        raise RuntimeError("The database has no tables: run `flask --app brokerage db upgrade`.")
    existing = events.find_event_by_slug(DEMO_SLUG)
    if existing is not None:
        published = ""
        if schedule_seconds is not None and existing.published_run_id is None:
            with link_context():
                published = _publish_schedule(existing, schedule_seconds)
                mail.discard_queued_mail()
            db.session.flush()
        return _summary(existing, created=False) + published

    rng = random.Random(seed)
    # register() renders e-mails with absolute links, which need a base URL outside a request.
    with link_context():
        _ensure_user(ADMIN_EMAIL, ADMIN_PASSWORD, "Demo admin", is_admin=True)
        organiser = _ensure_user(ORGANISER_EMAIL, ORGANISER_PASSWORD, "Demo organiser")
        event = _create_event(organiser)
        staff = _ensure_user(STAFF_EMAIL, STAFF_PASSWORD, "Demo check-in staff")
        checkin.grant_checkin_staff(event, staff)
        _add_sessions(event)
        tables = events.generate_tables(event, TABLE_COUNT)
        participants = _add_participants(event, organiser, rng)
        _assign_booths(tables, participants, rng)
        _add_meeting_requests(event, participants, rng)
        reindex_event(event)  # one bulk rewrite of the marketplace search rows
        published = (
            _publish_schedule(event, schedule_seconds) if schedule_seconds is not None else ""
        )
        # Those e-mails are dropped: demo addresses must never get any.
        mail.discard_queued_mail()
        db.session.flush()
        return _summary(event, created=True) + published


def _ensure_user(
    email: str, password: str, display_name: str, *, is_admin: bool = False, password_hash: str = ""
) -> User:
    """The verified account with this e-mail; an existing one is left as it is."""
    user = find_user_by_email(email)
    if user is not None:
        return user
    user = User(
        email=email.lower(),
        display_name=display_name,
        is_admin=is_admin,
        email_verified_at=utcnow(),
        password_hash=password_hash or generate_password_hash(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def _event_dates(today: date) -> tuple[date, date]:
    """A Tuesday and Wednesday about two months ahead, so the demo always lies in the future."""
    start = today + timedelta(days=60)
    start += timedelta(days=(1 - start.weekday()) % 7)  # weekday 1 is Tuesday
    return start, start + timedelta(days=1)


def _create_event(organiser: User) -> Event:
    start, end = _event_dates(utcnow().date())
    event = events.create_event(
        title=f"Smart Specialisation Partnering Days {start.year}",
        slug=DEMO_SLUG,
        timezone=TIMEZONE,
        start_date=start,
        end_date=end,
        created_by=organiser,
        description=(
            "Two days of pre-arranged one-to-one meetings between companies, universities, "
            "research centres, clusters, regional agencies and investors from across Europe, "
            "on the shared priorities of the regions' smart specialisation strategies: energy "
            "transition, digital growth, circular economy, agro-food, industrial "
            "modernisation, blue economy and health. Browse the marketplace, request meetings "
            "and receive your personal agenda with a table for every meeting."
        ),
        venue="Square – Brussels Convention Centre, Mont des Arts, 1000 Brussels, Belgium",
        # Naive datetimes are read in the event's zone by create_event.
        registration_opens_at=datetime.combine(utcnow().date() - timedelta(days=30), time(9)),
        registration_closes_at=datetime.combine(start - timedelta(days=14), time(23, 59)),
        booking_deadline=datetime.combine(start - timedelta(days=3), time(12)),
        meeting_minutes=20,
        changeover_minutes=5,
        max_meetings_per_participant=20,
        requires_approval=True,
        capacity=200,
    )
    events.name_organiser(event, organiser)
    return event


def _add_sessions(event: Event) -> None:
    """Four half-day sessions; add_session derives their slots."""
    for day, name, local_start, local_end in SESSION_PLAN:
        events.add_session(
            event, name, event.start_date + timedelta(days=day), local_start, local_end
        )


def _add_participants(event: Event, organiser: User, rng: random.Random) -> list[Participant]:
    """PARTICIPANT_COUNT approved participants, participant<n>@example.org in order."""
    # One hash for all: they share a password, and scrypt takes a noticeable time per call.
    password_hash = generate_password_hash(PARTICIPANT_PASSWORD)
    type_ids = {
        participant_type.name: participant_type.id for participant_type in event.participant_types
    }
    topic_ids = {topic.name: topic.id for topic in event.topics}
    kinds = [kind for kind in ORGANISATION_KINDS for _ in range(kind.count)]
    rng.shuffle(kinds)
    countries = _country_sequence(rng)
    used_people: set[tuple[str, str]] = set()
    used_organisations: set[str] = set()
    now = utcnow()

    participants = []
    for number, (kind, country) in enumerate(zip(kinds, countries, strict=True), start=1):
        first_name, last_name = _person_name(country, rng, used_people)
        main_topic = rng.choice(TOPICS)
        other_topics = rng.sample([t for t in TOPICS if t is not main_topic], rng.randint(0, 2))
        city = rng.choice(country.cities)
        organisation_name = _unique_organisation_name(
            kind, country, city, main_topic, rng, used_organisations
        )
        data = RegistrationData(
            first_name=first_name,
            last_name=last_name,
            job_title=rng.choice(kind.job_titles),
            phone=f"{country.dialling_code} {rng.randint(100, 999)} {rng.randint(100000, 999999)}",
            organisation_name=organisation_name,
            type_id=type_ids[kind.type_name],
            country=country.code,
            city=city,
            # The reserved .example top-level domain: never somebody's real site.
            website=f"https://www.{_slugify(organisation_name)}.example",
            size=rng.choice(kind.sizes),
            organisation_description=_organisation_description(
                kind, organisation_name, city, main_topic
            ),
            topic_ids=[topic_ids[t.name] for t in (main_topic, *other_topics)],
            opportunities=_opportunities(kind, main_topic, other_topics, topic_ids, rng),
            marketplace_consent=True,
            terms_accepted=True,
        )
        user = _ensure_user(
            participant_email(number),
            PARTICIPANT_PASSWORD,
            f"{first_name} {last_name}",
            password_hash=password_hash,
        )
        registered_at = now - timedelta(days=rng.randint(2, 28), minutes=rng.randint(0, 1439))
        participant = registration.register(event, user, data, now=registered_at)
        participant.created_at = registered_at
        # Approved as decide() would, minus its e-mail.
        participant.status = ParticipantStatus.APPROVED
        participant.decided_at = registered_at + timedelta(hours=rng.randint(2, 48))
        participant.decided_by = organiser
        participants.append(participant)
    db.session.flush()
    return participants


def _country_sequence(rng: random.Random) -> list[CountryData]:
    """One country per participant: every country at least once, the rest by weight."""
    countries = list(COUNTRIES)
    countries += rng.choices(
        COUNTRIES, weights=[c.weight for c in COUNTRIES], k=PARTICIPANT_COUNT - len(COUNTRIES)
    )
    rng.shuffle(countries)
    return countries


def _person_name(
    country: CountryData, rng: random.Random, used: set[tuple[str, str]]
) -> tuple[str, str]:
    while True:
        female = rng.random() < 0.5
        first = rng.choice(country.female_first if female else country.male_first)
        index = rng.randrange(len(country.male_last))
        last = country.last_names(female)[index]
        if (first, last) not in used:
            used.add((first, last))
            return first, last


def _unique_organisation_name(
    kind: OrganisationKind,
    country: CountryData,
    city: str,
    topic: TopicData,
    rng: random.Random,
    used: set[str],
) -> str:
    name = _organisation_name(kind, country, city, topic, rng)
    for _ in range(10):
        if name not in used:
            break
        name = _organisation_name(kind, country, city, topic, rng)
    else:
        name = f"{name} ({city})"  # rare: every pattern for this city is taken
    used.add(name)
    return name


INVESTOR_SUFFIXES = ("Ventures", "Capital Partners", "Seed Fund")


def _organisation_name(
    kind: OrganisationKind, country: CountryData, city: str, topic: TopicData, rng: random.Random
) -> str:
    stem = rng.choice(topic.brand_stems)
    match kind.key:
        case "sme":
            suffix = country.company_suffix
            # Lithuanian and Latvian legal forms come first: "UAB Voltaris".
            return f"{suffix} {stem}" if suffix in {"UAB", "SIA"} else f"{stem} {suffix}"
        case "large":
            return f"{stem} {rng.choice(('Group', 'Industries', 'Holding'))}"
        case "university":
            return rng.choice(
                (
                    f"University of {city}",
                    f"{city} University of Technology",
                    f"University of Applied Sciences {city}",
                )
            )
        case "research":
            return rng.choice(
                (
                    f"Institute for {topic.field} {city}",
                    f"{city} Centre for {topic.field}",
                    f"{topic.field} Research Centre {city}",
                )
            )
        case "cluster":
            return f"{city} {topic.field} Cluster"
        case "agency":
            return rng.choice(
                (
                    f"{city} Regional Development Agency",
                    f"Innovation Agency {city}",
                    f"{city} Investment and Innovation Office",
                )
            )
        case "investor":
            fund = rng.choice(("Northstar", "Meridian", "Aurora", "Helix", "Boreal", "Atlas"))
            return f"{fund} {topic.field.split()[0]} {rng.choice(INVESTOR_SUFFIXES)}"
        case _:
            return rng.choice(
                (
                    f"Chamber of Commerce {city}",
                    f"{city} Sustainability Foundation",
                    f"{topic.field} Consulting {city}",
                )
            )


def _organisation_description(
    kind: OrganisationKind, name: str, city: str, topic: TopicData
) -> str:
    what = {
        "sme": f"{name} is a fast-growing company in {city} working on {topic.activity}.",
        "large": f"{name} is an industrial group with an open-innovation unit in {topic.activity}.",
        "university": f"A university with research groups and spin-offs in {topic.activity}.",
        "research": f"An applied research organisation in {city} focused on {topic.activity}.",
        "cluster": f"The business cluster of the {city} area for {topic.activity}.",
        "agency": f"The public agency supporting innovation and investment in the {city} region.",
        "investor": f"A venture investor backing European start-ups in {topic.activity}.",
    }
    return what.get(kind.key, f"A non-profit organisation from {city} active in {topic.activity}.")


def _opportunities(
    kind: OrganisationKind,
    main_topic: TopicData,
    other_topics: list[TopicData],
    topic_ids: dict[str, int],
    rng: random.Random,
) -> list[OpportunityData]:
    """1-3 marketplace entries: the kind's typical ones first, then ones from the topic."""
    words = {"field": main_topic.field.lower(), "activity": main_topic.activity}
    candidates = [
        (opportunity_kind, title.format(**words), text.format(**words))
        for opportunity_kind, title, text in kind.opportunities
    ]
    rng.shuffle(candidates)
    if kind.key in {"sme", "large", "research", "university"} or not candidates:
        candidates += rng.sample(main_topic.opportunities, 3)
    opportunities = []
    for opportunity_kind, title, description in candidates[: rng.randint(1, 3)]:
        ids = [topic_ids[main_topic.name]]
        if other_topics and rng.random() < 0.3:
            ids.append(topic_ids[other_topics[0].name])
        opportunities.append(
            OpportunityData(
                kind=opportunity_kind, title=title, description=description, topic_ids=ids
            )
        )
    return opportunities


def _assign_booths(
    tables: list[Table], participants: list[Participant], rng: random.Random
) -> None:
    """The last tables become booths of exhibitors: clusters, agencies and large companies."""
    exhibitor_types = {"Cluster", "Public authority or agency", "Large company"}
    exhibitors = [p for p in participants if p.organisation.type.name in exhibitor_types]
    booths = tables[-BOOTH_COUNT:]
    for number, (table, owner) in enumerate(
        zip(booths, rng.sample(exhibitors, BOOTH_COUNT), strict=True), start=1
    ):
        events.rename_table(table, f"Booth {number}")
        events.set_booth(table, owner)


# --- Meeting requests ----------------------------------------------------------------------

# How the answered and unanswered requests split; the rest of the shares are pending.
REQUEST_STATUS_SHARES: tuple[tuple[RequestStatus, float], ...] = (
    (RequestStatus.ACCEPTED, 0.55),
    (RequestStatus.DECLINED, 0.12),
    (RequestStatus.CANCELLED, 0.05),
    (RequestStatus.EXPIRED, 0.05),
    (RequestStatus.PENDING, 0.23),
)
POPULAR_COUNT = 5  # participants everyone wants to meet (investors, big groups, ...)
POPULARITY = 12.0  # how much more often they are asked than the others
REQUEST_EXPIRY_DAYS = 10
MAX_REQUESTS = 25
REQUEST_MESSAGES = (
    "Hello {first}, your “{title}” fits what we are looking for. Could we meet for 20 minutes?",
    "Dear {first}, we read about “{title}” and would like to explore a collaboration.",
    "Hi {first}, we are preparing a project in this field and think {organisation} could be a "
    "strong partner. Shall we meet?",
    "Hello {first}, we have a similar background and would be glad to compare notes on “{title}”.",
    "",
)
DECLINE_REASONS = (
    "Thank you, but this is outside our focus for this year.",
    "Our agenda is full; let us stay in touch by e-mail.",
    "",
)


def _add_meeting_requests(
    event: Event, participants: list[Participant], rng: random.Random
) -> None:
    """A realistic request graph: ~8 sent per participant, a few very popular people.

    About 55% accepted (some of them mutual), and pending, declined, cancelled and expired
    ones. Rows are inserted in one bulk statement with no e-mails: the statuses are set as the
    services would have left them.
    """
    event.request_expiry_days = REQUEST_EXPIRY_DAYS
    event.max_requests_per_participant = MAX_REQUESTS
    now = utcnow()
    count = len(participants)
    weights = [1.0] * count
    for index in rng.sample(range(count), POPULAR_COUNT):
        weights[index] = POPULARITY
    pairs: set[tuple[int, int]] = set()
    rows = []
    for sender_index, sender in enumerate(participants):
        for _ in range(rng.randint(3, 13)):  # 8 on average
            recipient_index = rng.choices(range(count), weights)[0]
            pair = tuple(sorted((sender_index, recipient_index)))
            if recipient_index == sender_index or pair in pairs:
                continue  # a few fall out, which keeps the average near 8
            pairs.add(pair)  # type: ignore[arg-type]
            recipient = participants[recipient_index]
            rows.append(_request_row(event, sender, recipient, rng, now))
    db.session.execute(insert(MeetingRequest), rows)


def _request_row(
    event: Event, sender: Participant, recipient: Participant, rng: random.Random, now: datetime
) -> dict:
    roll = rng.random()
    status = RequestStatus.PENDING
    for candidate, share in REQUEST_STATUS_SHARES:
        if roll < share:
            status = candidate
            break
        roll -= share
    if status is RequestStatus.PENDING:
        created_at = now - timedelta(hours=rng.randint(1, 24 * (REQUEST_EXPIRY_DAYS - 3)))
    elif status is RequestStatus.EXPIRED:
        created_at = now - timedelta(days=rng.randint(REQUEST_EXPIRY_DAYS + 1, 20))
    else:
        created_at = now - timedelta(hours=rng.randint(24, 24 * 20))
    responded_at = None
    if status is RequestStatus.EXPIRED:
        responded_at = created_at + timedelta(days=REQUEST_EXPIRY_DAYS)
    elif status is not RequestStatus.PENDING:
        responded_at = min(now, created_at + timedelta(hours=rng.randint(1, 72)))
    title = recipient.opportunities[0].title if recipient.opportunities else "your work"
    template = rng.choice(REQUEST_MESSAGES)
    message = template.format(
        first=recipient.first_name, title=title, organisation=recipient.organisation.name
    )
    # A message that names the recipient's opportunity is a request about it.
    about = (
        recipient.opportunities[0].id if recipient.opportunities and "{title}" in template else None
    )
    low, high = sorted((sender.id, recipient.id))
    return {
        "event_id": event.id,
        "sender_id": sender.id,
        "recipient_id": recipient.id,
        "pair_low_id": low,
        "pair_high_id": high,
        "status": status,
        "priority": RequestPriority.MUST_MEET if rng.random() < 0.15 else RequestPriority.NORMAL,
        "message": message,
        "mutual": status is RequestStatus.ACCEPTED and rng.random() < 0.15,
        "response_reason": rng.choice(DECLINE_REASONS) if status is RequestStatus.DECLINED else "",
        "created_at": created_at,
        "updated_at": responded_at or created_at,
        "responded_at": responded_at,
        "reminded_at": None,
        "created_by_organiser_id": None,
        "cancelled_by_id": sender.id if status is RequestStatus.CANCELLED else None,
        "opportunity_id": about,
    }


# --- The published schedule ----------------------------------------------------------------


def _publish_schedule(event: Event, time_limit: float) -> str:
    """Solve the accepted requests and publish the run, as an organiser would from the
    schedule page (the same services, in this transaction); returns a summary line."""
    from brokerage.scheduling.publishing import publish_run
    from brokerage.scheduling.services import build_problem, save_result
    from brokerage.scheduling.solver import SolveOptions, solve

    organiser = find_user_by_email(ORGANISER_EMAIL)
    run = ScheduleRun(
        event_id=event.id,
        state=RunState.RUNNING,
        mode=RunMode.FULL,
        options={"time_limit": time_limit, "seed": 0},
        created_by_id=organiser.id if organiser else None,
        started_at=utcnow(),
    )
    db.session.add(run)
    db.session.flush()
    build = build_problem(event)
    result = solve(build.problem, SolveOptions(time_limit=time_limit, seed=0))
    save_result(run, build, result)
    publish_run(run, organiser)
    figures = result.figures
    return (
        f"\n\nPublished a schedule (run #{run.id}, {result.status}): "
        f"{figures.scheduled_count} of {len(build.problem.meetings)} accepted requests placed."
    )


def _slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_name.lower()).split()
    return "-".join(words) or "organisation"


# --- The summary ---------------------------------------------------------------------------


def _summary(event: Event, *, created: bool) -> str:
    participants = db.session.scalars(
        select(Participant).where(
            Participant.event_id == event.id, Participant.status == ParticipantStatus.APPROVED
        )
    ).all()
    countries = {p.organisation.country for p in participants}
    slot_count = sum(len(session.slots) for session in event.sessions)
    booth_count = sum(1 for table in event.tables if table.is_booth)
    opportunity_count = sum(len(p.opportunities) for p in participants)
    headline = (
        f"Loaded the demo event “{event.title}” (slug {event.slug})."
        if created
        else f"The demo event “{event.title}” (slug {event.slug}) is already loaded; "
        "nothing changed."
    )
    lines = [
        headline,
        f"  {event.start_date:%a %d %b %Y} – {event.end_date:%a %d %b %Y}, {event.venue} "
        f"({event.timezone})",
        f"  {len(event.sessions)} sessions, {slot_count} slots of {event.meeting_minutes} minutes "
        f"+ {event.changeover_minutes} minutes changeover, {len(event.tables)} tables "
        f"({booth_count} booths)",
        f"  {len(participants)} approved participants from {len(countries)} countries, "
        f"{opportunity_count} marketplace opportunities",
        "",
        f"Open {current_app.config['PUBLIC_URL']} and log in as:",
        f"  organiser    {ORGANISER_EMAIL} / {ORGANISER_PASSWORD}",
        f"  check-in     {STAFF_EMAIL} / {STAFF_PASSWORD}",
        f"  participant  {participant_email(1)} … {participant_email(PARTICIPANT_COUNT)}"
        f" / {PARTICIPANT_PASSWORD}",
        f"  admin        {ADMIN_EMAIL} / {ADMIN_PASSWORD}",
    ]
    return "\n".join(lines)
