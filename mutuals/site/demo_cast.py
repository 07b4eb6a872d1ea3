"""The named demo cast: the members and connections of the PLA Lakeshore Chapter.

This module is pure data (no Django imports). ``mutuals demo`` seeds a fresh database from it,
and tests use it as a realistic, stable community whose members can be referred to by key
("thandi", "sam", ...). The Project Leadership Association (PLA) and every person, company and
e-mail address here are fictional.

The network is shaped so that, from the demo login ("sam"), people appear at degrees 1, 2 and
3: Sam is not connected to Thandi but shares mutual connections with her. A few newcomers have
no connections at all. Some topics are spelled with different casing or punctuation on purpose,
because the app normalizes topics ("Risk management" and "risk management" are one topic).

Call :func:`validate_cast` after editing to check every invariant.
"""

import re
from dataclasses import dataclass

CHAPTER_NAME = "PLA Lakeshore Chapter"
CHAPTER_DESCRIPTION = (
    "The Toronto-area chapter of the Project Leadership Association (PLA): project, programme "
    "and portfolio people from Hamilton to Markham who meet monthly, run study groups and "
    "mentor each other."
)

DEMO_PASSWORD = "mutuals-demo-2026"  # noqa: S105 - fictional demo account, printed on purpose
DEMO_LOGIN_KEY = "sam"
# Every demo member's time zone: the chapter is in and around Toronto.
CHAPTER_TIME_ZONE = "America/Toronto"
# Requests waiting in the login member's inbox when the demo starts: (sender key, note), the
# note naming the mutual connection through `{mutual}`; sent through the real rules.
DEMO_REQUESTS: tuple[tuple[str, str], ...] = (
    (
        "ben",
        "Hi Sam, {mutual} mentioned you are moving Kestrel's warehouse scheduling to hybrid "
        "delivery. We did the same with our release trains at Bayview Bank last year. Would "
        "you be open to comparing notes over coffee on how you run the PMO gates?",
    ),
    (
        "sana",
        "Hi Sam, {mutual} suggested I write: I saw your note on risk-based stage gates for "
        "Kestrel. I run regulatory change projects at Bayview and we are trying the same. "
        "Could we swap notes for 20 minutes on what your PMO accepted?",
    ),
)
DEMO_EMAIL_DOMAIN = "demo.mutuals.test"

CAST_SIZE = 64
MAX_HEADLINE = 160
MAX_COMPANY = 120
MAX_TITLE = 120
MAX_LOCATION = 120
MAX_BIO = 600
MAX_ITEM = 80
MIN_TOPICS = 3
MAX_TOPICS = 7
MIN_ITEMS = 1
MAX_ITEMS = 3

# The shared topic vocabulary. Members may spell a topic with different casing or
# punctuation; it must still normalize to one of these.
TOPIC_VOCABULARY: tuple[str, ...] = (
    "Risk management",
    "Agile",
    "Scrum",
    "PMO",
    "Portfolio management",
    "Stakeholder engagement",
    "Change management",
    "Construction",
    "Infrastructure",
    "Healthcare IT",
    "Data migration",
    "Benefits realisation",
    "Procurement",
    "Supplier contracts",
    "Schedule risk",
    "Earned value",
    "Hybrid delivery",
    "Mentoring",
    "Career change",
    "PMP exam prep",
    "Facilitation",
    "Product management",
    "Public sector",
    "Sustainability",
    "Digital transformation",
    "Budgeting",
    "Remote teams",
    "Lean",
    "Quality assurance",
    "AI in project delivery",
)


@dataclass(frozen=True)
class CastMember:
    key: str  # stable short slug, e.g. "thandi" - unique
    name: str
    email: str  # f"{key}@demo.mutuals.test", unique, lowercase
    headline: str  # <= 160 characters
    company: str  # <= 120 characters
    title: str  # <= 120 characters
    location: str
    topics: tuple[str, ...]  # 3-7 topics from TOPIC_VOCABULARY (casing may vary)
    bio: str  # 2-4 sentences, <= 600 characters
    offers: tuple[str, ...]  # 1-3 short items, <= 80 characters each
    looking_for: tuple[str, ...]  # 1-3 short items, <= 80 characters each


def _member(
    *,
    key: str,
    name: str,
    headline: str,
    company: str,
    title: str,
    location: str,
    topics: tuple[str, ...],
    bio: str,
    offers: tuple[str, ...],
    looking_for: tuple[str, ...],
) -> CastMember:
    return CastMember(
        key=key,
        name=name,
        email=f"{key}@{DEMO_EMAIL_DOMAIN}",
        headline=headline,
        company=company,
        title=title,
        location=location,
        topics=topics,
        bio=bio,
        offers=offers,
        looking_for=looking_for,
    )


CAST: tuple[CastMember, ...] = (
    _member(
        key="thandi",
        name="Thandi Mokoena",
        headline="Senior programme manager at Acme Rail | Eastern Corridor resignalling",
        company="Acme Rail",
        title="Senior Programme Manager",
        location="Toronto, ON",
        topics=(
            "Risk management",
            "Supplier contracts",
            "Schedule risk",
            "Infrastructure",
            "Earned value",
        ),
        bio=(
            "I run the Eastern Corridor resignalling programme at Acme Rail: four contractors, "
            "two weekend possessions a month and a schedule that lives or dies on supplier lead "
            "times. Before rail I spent nine years in mining in Johannesburg, which is where I "
            "learned to write risk registers people actually read. I co-chair the chapter's risk "
            "round-table on the first Tuesday of each month."
        ),
        offers=(
            "Reviewing risk registers and schedule risk analyses",
            "Talking through supplier contract clauses",
        ),
        looking_for=(
            "Peers running multi-contractor rail programmes",
            "A mentee interested in infrastructure delivery",
        ),
    ),
    _member(
        key="sam",
        name="Sam Okafor",
        headline="Project manager at Kestrel Logistics | hybrid delivery for warehouse systems",
        company="Kestrel Logistics",
        title="Project Manager",
        location="Mississauga, ON",
        topics=("Risk management", "Agile", "PMO", "Hybrid delivery"),
        bio=(
            "Project manager at Kestrel Logistics, currently moving our cross-dock scheduling "
            "system off a platform that predates most of my team. I came up through warehouse "
            "operations, so I ask what a change does to the night shift before I ask about "
            "velocity. I'm trying to get our PMO to accept risk-based stage gates instead of one "
            "waterfall template for every project."
        ),
        offers=(
            "Running retros for teams new to agile",
            "Warehouse operations context for IT projects",
        ),
        looking_for=(
            "Examples of risk-based stage gates that work",
            "People who have stood up a PMO from scratch",
        ),
    ),
    _member(
        key="priya",
        name="Priya Raghunathan",
        headline="PLA Lakeshore Chapter president | Director, Portfolio Management, Bayview Bank",
        company="Bayview Bank",
        title="Director, Portfolio Management",
        location="Toronto, ON",
        topics=(
            "Portfolio management",
            "PMO",
            "Mentoring",
            "Stakeholder engagement",
            "Benefits realisation",
        ),
        bio=(
            "I look after a 140-project change portfolio at Bayview Bank and spend most of my "
            "evenings on chapter business. This is my second year as chapter president; my goal "
            "is to move our monthly meetups out of hotel ballrooms and into members' workplaces. "
            "Ask me about prioritisation frameworks and I will talk for far too long."
        ),
        offers=("Introductions across the chapter", "Portfolio prioritisation walkthroughs"),
        looking_for=("Volunteer hosts for 2026 meetups", "Speakers on benefits realisation"),
    ),
    _member(
        key="mateo",
        name="Mateo Álvarez",
        headline="PMO lead at Kestrel Logistics, keeping 38 projects visible without drowning PMs",
        company="Kestrel Logistics",
        title="PMO Lead",
        location="Mississauga, ON",
        topics=("PMO", "Portfolio management", "Budgeting", "risk management", "Hybrid delivery"),
        bio=(
            "I built Kestrel's PMO three years ago with a spreadsheet and a borrowed meeting "
            "room, and it now covers 38 projects across five distribution centres. Before "
            "Canada I worked on port logistics in Cartagena. These days I mostly fight to keep "
            "status reporting under fifteen minutes a week per project manager."
        ),
        offers=("Lightweight PMO reporting templates", "Mentoring in Spanish"),
        looking_for=("Benchmarks for PMO staffing ratios",),
    ),
    _member(
        key="meilin",
        name="Mei-Lin Chen",
        headline="Scrum master at Tidewater Software, working with teams across three time zones",
        company="Tidewater Software",
        title="Scrum Master",
        location="Toronto, ON",
        topics=("Scrum", "Agile", "Facilitation", "Remote teams"),
        bio=(
            "Scrum master for two platform teams at Tidewater, one in Toronto and one split "
            "between Halifax and Lisbon. I'm interested in what happens to ceremonies when nobody "
            "shares a time zone, and I've tried most async retro tools so you don't have to. "
            "Outside work I teach beginner pottery on Sunday mornings."
        ),
        offers=("Async retrospective formats", "Facilitation practice partners"),
        looking_for=("Scrum masters working across time zones",),
    ),
    _member(
        key="oluwaseun",
        name="Oluwaseun Adeyemi",
        headline="Senior construction PM at Harbourfront Construction | mid-rise and towers",
        company="Harbourfront Construction",
        title="Senior Construction Project Manager",
        location="Toronto, ON",
        topics=(
            "Construction",
            "Schedule risk",
            "Procurement",
            "Earned value",
            "Stakeholder engagement",
        ),
        bio=(
            "I manage residential builds for Harbourfront, currently a 22-storey tower on the "
            "waterfront with a very patient neighbourhood association. Fifteen years in the "
            "trade, the first five as a site engineer in Lagos. I believe in pull planning with "
            "the trades and in phoning suppliers rather than emailing them."
        ),
        offers=("Pull planning sessions with trade partners", "Site visits for students"),
        looking_for=("Better ways to forecast concrete supply risk",),
    ),
    _member(
        key="fatima",
        name="Fatima Al-Sayed",
        headline="IT delivery lead at Northwind Health | three hospitals, one records system",
        company="Northwind Health",
        title="IT Delivery Lead",
        location="Toronto, ON",
        topics=("Healthcare IT", "Data migration", "Change management", "Hybrid delivery"),
        bio=(
            "I lead the team moving Northwind's three hospital sites onto a single patient-records "
            "system, which mostly means data migration rehearsals at 2 a.m. I was a clinical "
            "analyst first, so I still think about what a nurse sees on screen at shift change. "
            "Happy to share our cutover runbook with anyone about to do the same."
        ),
        offers=("Cutover runbook reviews", "Data migration rehearsal planning"),
        looking_for=("Healthcare PMs who have been through a go-live",),
    ),
    _member(
        key="liam",
        name="Liam O'Connor",
        headline="Infrastructure programme manager at Maple Civic Works, bridge rehabilitation",
        company="Maple Civic Works",
        title="Infrastructure Programme Manager",
        location="Hamilton, ON",
        topics=("Infrastructure", "Public sector", "Procurement", "Supplier contracts"),
        bio=(
            "I run Maple Civic Works' bridge rehabilitation programme: eleven structures, three "
            "contractors and a council that rightly wants to know where every dollar goes. I "
            "spent eight years with a contractor first, so I've sat on both sides of the "
            "change-order table. Coaching under-12 hockey has made me better at council meetings."
        ),
        offers=("Public sector procurement tips", "The contractor's view of change orders"),
        looking_for=("Peers managing asset renewal programmes",),
    ),
    _member(
        key="aiko",
        name="Aiko Tanaka",
        headline="Product owner at Tidewater Software | testing AI for backlog work",
        company="Tidewater Software",
        title="Product Owner",
        location="Waterloo, ON",
        topics=("Product management", "Agile", "Scrum", "AI in project delivery"),
        bio=(
            "Product owner for Tidewater's scheduling API, which a surprising number of "
            "construction firms use without telling us. I'm trying language models for drafting "
            "acceptance criteria and keep a public log of where they help and where they "
            "confidently make things up. I moved from Osaka to Waterloo for grad school and stayed."
        ),
        offers=("Writing acceptance criteria testers like", "Notes on AI-assisted backlog work"),
        looking_for=("Construction PMs willing to give product feedback",),
    ),
    _member(
        key="rajesh",
        name="Rajesh Iyer",
        headline="Independent PMO consultant and PMP instructor | runs the chapter PMP study group",
        company="Independent",
        title="PMO Consultant and PMP Instructor",
        location="Oakville, ON",
        topics=("PMO", "Portfolio management", "Earned value", "PMP exam prep", "Mentoring"),
        bio=(
            "I've set up or rescued PMOs at eleven organisations over twenty years, most recently "
            "a provincial agency and a mid-sized insurer. I also run the chapter's PMP study "
            "group, whose pass rate I'm quietly proud of. I ask every new client the same first "
            "question: which decisions does this PMO exist to improve?"
        ),
        offers=("PMP study group on Tuesday evenings", "A second opinion on PMO charters"),
        looking_for=("Workplaces willing to host study sessions",),
    ),
    _member(
        key="sofia",
        name="Sofia Rossi",
        headline="Project controls lead at Lakeshore Energy | cost, schedule and honest forecasts",
        company="Lakeshore Energy",
        title="Project Controls Lead",
        location="Toronto, ON",
        topics=("Earned value", "Schedule risk", "Budgeting", "Sustainability"),
        bio=(
            "I run project controls for Lakeshore Energy's transmission projects: cost, schedule "
            "and the monthly forecast everyone argues about. I like earned value because it gives "
            "a project manager and a finance analyst something concrete to disagree about. "
            "Currently learning a schedule risk tool the hard way."
        ),
        offers=("Earned value crash course for non-accountants", "Forecast review sessions"),
        looking_for=("Tips on schedule risk analysis software",),
    ),
    _member(
        key="kwame",
        name="Kwame Asante",
        headline="Signalling project manager at Acme Rail | interlocking works",
        company="Acme Rail",
        title="Signalling Project Manager",
        location="Toronto, ON",
        topics=("Infrastructure", "Risk management", "Quality assurance", "Supplier contracts"),
        bio=(
            "Signalling project manager on Thandi's resignalling programme, responsible for the "
            "interlocking works. I started as a signalling technician in Kumasi and still do the "
            "odd site inspection myself. My current obsession is shortening the gap between a "
            "supplier's factory acceptance test and commissioning on site."
        ),
        offers=("Factory acceptance test checklists", "Rail signalling basics for PMs"),
        looking_for=("Quality assurance leads from other heavy industries",),
    ),
    _member(
        key="ana",
        name="Ana Ferreira",
        headline="Commercial manager at Acme Rail | contracts and commercial risk on capital works",
        company="Acme Rail",
        title="Commercial Manager",
        location="Toronto, ON",
        topics=("Supplier contracts", "Procurement", "Budgeting", "Risk Management"),
        bio=(
            "I manage contracts and commercial risk for Acme Rail's capital programme, which "
            "means I read the clauses everyone else skips. I trained as a lawyer in Porto before "
            "moving into commercial management. I run a short lunchtime session on contract "
            "basics for project managers who would rather not call legal."
        ),
        offers=("Plain-language contract clause reviews", "Lunchtime contracts primer"),
        looking_for=("Commercial managers in other sectors to compare notes",),
    ),
    _member(
        key="dmitri",
        name="Dmitri Volkov",
        headline="Agile coach at Bayview Bank, working with payments teams and the risk function",
        company="Bayview Bank",
        title="Agile Coach",
        location="Toronto, ON",
        topics=("Agile", "Lean", "Change management", "Facilitation"),
        bio=(
            "Agile coach in Bayview Bank's payments division, working with fourteen teams and a "
            "very traditional risk function. I spend as much time with auditors as with "
            "developers, and I think that's where the useful change happens. Former developer, "
            "former Kanban sceptic."
        ),
        offers=("Agile explained for audit and risk teams", "Kanban board reviews"),
        looking_for=("Coaches working in regulated industries",),
    ),
    _member(
        key="nadia",
        name="Nadia Haddad",
        headline="Senior PM, Transportation Services, City of Toronto | safer streets projects",
        company="City of Toronto",
        title="Senior Project Manager, Transportation Services",
        location="Toronto, ON",
        topics=("Public sector", "Stakeholder engagement", "Infrastructure", "Sustainability"),
        bio=(
            "I deliver cycling and pedestrian safety projects for the City of Toronto, which "
            "involves more public consultations than I can count. Every project has a business "
            "improvement area, a councillor's office and many strong views about parking. I want "
            "consultation methods that reach people who can't attend a Tuesday evening meeting."
        ),
        offers=("Public consultation planning", "How municipal approvals actually work"),
        looking_for=("Ideas for reaching under-represented residents",),
    ),
    _member(
        key="jamal",
        name="Jamal Williams",
        headline="Recruiter for project and programme roles at Redpath Talent | honest CV feedback",
        company="Redpath Talent",
        title="Senior Recruiter, Project Delivery",
        location="Toronto, ON",
        topics=("Career change", "PMO", "Mentoring"),
        bio=(
            "I recruit project and programme managers for clients across the GTA, mostly in "
            "financial services and infrastructure. I'll give honest feedback on your CV and tell "
            "you what hiring managers are actually asking for this quarter. I never charge "
            "candidates and I won't put you forward for a role you haven't agreed to."
        ),
        offers=("CV reviews for project roles", "Current salary ranges in the GTA"),
        looking_for=("Members open to informational interviews",),
    ),
    _member(
        key="grace",
        name="Grace Kim",
        headline="MEng student in engineering management, researching low-carbon procurement",
        company="Grand River University",
        title="MEng Student, Engineering Management",
        location="Waterloo, ON",
        topics=("PMP exam prep", "Career change", "Construction", "Sustainability"),
        bio=(
            "Final-year MEng student at Grand River, writing my project on embodied carbon in "
            "construction procurement. I did two co-op terms with a general contractor and want "
            "to move into project controls after graduation. Currently studying for the CAPM."
        ),
        offers=("Student volunteer for chapter events", "Summaries of low-carbon research"),
        looking_for=("A mentor in construction project controls", "Entry-level controls roles"),
    ),
    _member(
        key="tomasz",
        name="Tomasz Nowak",
        headline="Assistant project manager at Harbourfront Construction, ex-site superintendent",
        company="Harbourfront Construction",
        title="Assistant Project Manager",
        location="Mississauga, ON",
        topics=("Construction", "Quality assurance", "Schedule risk"),
        bio=(
            "Assistant project manager at Harbourfront after seven years as a site "
            "superintendent. I handle deficiency lists, inspections and the daily coordination "
            "that keeps the trades from tripping over each other. Working towards my PMP in the "
            "evenings."
        ),
        offers=("Site inspection and deficiency tracking tips",),
        looking_for=("PMP study partners", "Advice on moving from site to office roles"),
    ),
    _member(
        key="leila",
        name="Leila Farahani",
        headline="Clinical systems programme manager at Northwind Health | benefits beyond go-live",
        company="Northwind Health",
        title="Clinical Systems Programme Manager",
        location="Toronto, ON",
        topics=(
            "Healthcare IT",
            "Benefits realisation",
            "Stakeholder engagement",
            "Change management",
        ),
        bio=(
            "I manage Northwind's clinical systems programme and I'm responsible for proving it "
            "improved care, not just that it went live. I trained as a pharmacist before moving "
            "into informatics. I'm building a benefits register that clinicians help write, which "
            "is slower and far more honest."
        ),
        offers=("Benefits register templates for healthcare", "Clinician engagement approaches"),
        looking_for=("Examples of benefits tracked beyond go-live",),
    ),
    _member(
        key="chen",
        name="Chen Wei",
        headline="Engineering delivery manager at Tidewater Software, fully remote since 2020",
        company="Tidewater Software",
        title="Engineering Delivery Manager",
        location="Remote (Toronto)",
        topics=("Agile", "Remote teams", "AI in project delivery", "Hybrid delivery"),
        bio=(
            "I manage delivery for four engineering teams at Tidewater. I'm interested in how "
            "much planning overhead we can hand to tooling without losing the conversations that "
            "catch bad assumptions. Occasional marathoner, reluctant chat-tool administrator."
        ),
        offers=("Remote team working agreements", "Results of trialling AI status reports"),
        looking_for=("Delivery managers comparing remote rituals",),
    ),
    _member(
        key="isabelle",
        name="Isabelle Tremblay",
        headline="Procurement lead at Maple Civic Works | from RFP scope to contract award",
        company="Maple Civic Works",
        title="Procurement Lead",
        location="Hamilton, ON",
        topics=("Procurement", "Supplier contracts", "Public sector"),
        bio=(
            "I run procurement for Maple Civic Works' capital projects, from RFP drafting to "
            "contract award. Bilingual, originally from Trois-Rivières, and convinced that a "
            "well-written scope saves more money than a hard negotiation. I'm piloting a social "
            "procurement clause with two local contractors this year."
        ),
        offers=("RFP scope reviews", "Lessons from a social procurement pilot"),
        looking_for=("Public buyers who have used social value criteria",),
    ),
    _member(
        key="arjun",
        name="Arjun Mehta",
        headline="Business analyst at Kestrel Logistics, working towards a project manager role",
        company="Kestrel Logistics",
        title="Business Analyst",
        location="Mississauga, ON",
        topics=("Career change", "Data migration", "Agile", "PMP exam prep"),
        bio=(
            "Business analyst on Sam's scheduling-system migration, where I own the data mapping "
            "between the old and new platforms. I'd like to become a project manager within two "
            "years and I'm working through the PMP syllabus. Before Kestrel I was a supply chain "
            "analyst in Pune."
        ),
        offers=("Help with data mapping and reconciliation",),
        looking_for=("Advice on the move from BA to PM", "PMP study partners"),
    ),
    _member(
        key="zanele",
        name="Zanele Dlamini",
        headline="Sustainability programme lead at Lakeshore Energy | measuring carbon like cost",
        company="Lakeshore Energy",
        title="Sustainability Programme Lead",
        location="Toronto, ON",
        topics=(
            "Sustainability",
            "Benefits realisation",
            "Stakeholder Engagement",
            "Portfolio management",
        ),
        bio=(
            "I lead Lakeshore Energy's decarbonisation programme, twelve projects ranging from "
            "fleet electrification to substation retrofits. My job is to make sure emissions "
            "reductions are measured as carefully as costs. I grew up in Durban and still miss "
            "the ocean every February."
        ),
        offers=("Adding carbon metrics to business cases",),
        looking_for=("Portfolio managers tracking non-financial benefits",),
    ),
    _member(
        key="hiroshi",
        name="Hiroshi Sato",
        headline="Independent schedule risk consultant for transit and energy projects",
        company="Independent",
        title="Schedule Risk Consultant",
        location="Markham, ON",
        topics=("Schedule risk", "Risk management", "Earned value", "Construction"),
        bio=(
            "I run quantitative schedule risk analyses for owners and contractors, mostly on "
            "transit and energy projects. Twenty years in scheduling, the first ten at a large "
            "engineering firm. I try to make simulation results understandable to executives "
            "without putting a single histogram on the slide."
        ),
        offers=("Schedule risk analysis reviews", "Explaining P50 and P80 to executives"),
        looking_for=("Owners interested in risk-adjusted baselines",),
    ),
    _member(
        key="mariajose",
        name="María José Gutiérrez",
        headline="Change consultant at Cedarbrook Consulting | people first, tools second",
        company="Cedarbrook Consulting",
        title="Senior Change Management Consultant",
        location="Toronto, ON",
        topics=(
            "Change management",
            "Stakeholder engagement",
            "Digital transformation",
            "Facilitation",
        ),
        bio=(
            "Change management consultant at Cedarbrook, currently helping an insurer replace "
            "its claims system. I spend most of my time with the people who will use the new "
            "thing and less with the people who bought it. Originally from Monterrey; I run "
            "change workshops in Spanish for the chapter's newcomer members."
        ),
        offers=("Change impact assessment walkthroughs", "Workshops in Spanish"),
        looking_for=("Project managers who want change support earlier",),
    ),
    _member(
        key="ben",
        name="Ben Goldberg",
        headline="Release train engineer for mobile banking at Bayview Bank | ex-PMO",
        company="Bayview Bank",
        title="Release Train Engineer",
        location="Toronto, ON",
        topics=("Agile", "scrum", "PMO", "Hybrid delivery"),
        bio=(
            "Release train engineer for Bayview's mobile banking train: nine teams and a "
            "quarterly planning event that used to take three days and now takes one and a half. "
            "I came from a PMO role, so I'm usually the translator between the train and the "
            "portfolio office. Keen amateur baker."
        ),
        offers=("Planning event facilitation", "Bridging agile teams and PMO reporting"),
        looking_for=("Release train engineers outside banking",),
    ),
    _member(
        key="amara",
        name="Amara Nwosu",
        headline="Scrum master at Trillium Mutual Insurance | PLA Lakeshore volunteer coordinator",
        company="Trillium Mutual Insurance",
        title="Scrum Master",
        location="Toronto, ON",
        topics=("Scrum", "Facilitation", "Mentoring", "Remote teams"),
        bio=(
            "Scrum master at Trillium Mutual and the chapter's volunteer coordinator, so if "
            "you've helped at a meetup I probably sent you a spreadsheet. I moved into scrum "
            "after six years in customer service and that background still helps. I pair every "
            "new volunteer with someone experienced for their first event."
        ),
        offers=("Volunteer roles at chapter events", "Scrum master career conversations"),
        looking_for=("Volunteers for the spring conference",),
    ),
    _member(
        key="yusuf",
        name="Yusuf Demir",
        headline="Project engineer at Greenway Transit Partners | light rail maintenance facility",
        company="Greenway Transit Partners",
        title="Project Engineer",
        location="Toronto, ON",
        topics=("Infrastructure", "Construction", "Quality assurance"),
        bio=(
            "Project engineer on Greenway's light rail maintenance facility, responsible for "
            "design submittals and RFIs. Civil engineer by training, educated in Ankara and "
            "Toronto. I'm learning the commercial side of projects before taking on a PM role."
        ),
        offers=("RFI and submittal process tips",),
        looking_for=("A mentor on the commercial side of projects",),
    ),
    _member(
        key="keisha",
        name="Keisha Brown",
        headline="PMO analyst at the City of Toronto | the capital dashboard council sees",
        company="City of Toronto",
        title="PMO Analyst",
        location="Toronto, ON",
        topics=("PMO", "Public sector", "Budgeting", "Portfolio management"),
        bio=(
            "PMO analyst in the City's corporate project management office, where I maintain the "
            "capital project dashboard council sees every quarter. I care a lot about data "
            "definitions, because 'on budget' means four different things across divisions. "
            "Part-time MBA student at night."
        ),
        offers=("Dashboards for project portfolios",),
        looking_for=("Other public sector PMO analysts",),
    ),
    _member(
        key="vikram",
        name="Vikram Singh",
        headline="Programme director at Northern Arc Telecom | network modernisation | mentor",
        company="Northern Arc Telecom",
        title="Programme Director, Network Modernisation",
        location="Markham, ON",
        topics=(
            "Digital transformation",
            "Portfolio management",
            "Supplier contracts",
            "Risk management",
        ),
        bio=(
            "I direct Northern Arc's network modernisation programme, a four-year, multi-vendor "
            "replacement of our legacy core. Most of my week is vendor management and untangling "
            "dependencies between programmes. I mentor two people through the chapter and learn "
            "more from them than they do from me."
        ),
        offers=("Multi-vendor programme governance", "Mentoring for senior PMs"),
        looking_for=("Directors handling vendor consolidation",),
    ),
    _member(
        key="elena",
        name="Elena Popescu",
        headline="Data migration lead at Silverbirch Analytics | reconciliation is the fun part",
        company="Silverbirch Analytics",
        title="Data Migration Lead",
        location="Remote (Toronto)",
        topics=("Data migration", "Quality assurance", "Agile", "AI in project delivery"),
        bio=(
            "I lead data migration engagements at Silverbirch, usually for clients leaving a "
            "system that has grown for fifteen years. Reconciliation is my favourite part, which "
            "my colleagues find strange. I'm testing whether AI-generated mapping suggestions "
            "save time once you count the review effort."
        ),
        offers=("Migration reconciliation strategies", "Data quality profiling"),
        looking_for=("Projects facing a messy legacy migration",),
    ),
    _member(
        key="patrick",
        name="Patrick Mensah",
        headline="Senior PM, water and wastewater at Ironwood Engineering",
        company="Ironwood Engineering",
        title="Senior Project Manager, Water",
        location="Oakville, ON",
        topics=("Infrastructure", "Public sector", "Earned value", "Sustainability"),
        bio=(
            "Senior project manager at Ironwood Engineering, delivering water and wastewater "
            "upgrades for municipal clients. Most of my career has been on treatment plants and "
            "I still enjoy a good commissioning week. I'm watching climate resilience change the "
            "scope of projects that used to be routine."
        ),
        offers=("Insights from municipal water projects",),
        looking_for=("Peers working on climate adaptation projects",),
    ),
    _member(
        key="hannah",
        name="Hannah Schmidt",
        headline="Validation project manager at Beacon Pharma | lean thinking in a regulated world",
        company="Beacon Pharma",
        title="Validation Project Manager",
        location="Mississauga, ON",
        topics=("Quality assurance", "Change Management", "Risk management", "Lean"),
        bio=(
            "I manage computer system validation projects at Beacon Pharma, where nothing ships "
            "until the documentation is complete. I came from a manufacturing plant in Bavaria "
            "and moved to Mississauga in 2018. I'm bringing some lean thinking to validation "
            "without upsetting our regulators."
        ),
        offers=("Validation planning for regulated projects",),
        looking_for=("Lean practitioners in regulated environments",),
    ),
    _member(
        key="diego",
        name="Diego Ramírez",
        headline="Senior producer at Osprey Games, shipping a co-op puzzle game with a remote team",
        company="Osprey Games",
        title="Senior Producer",
        location="Toronto, ON",
        topics=("Agile", "Product management", "Remote teams", "Scrum"),
        bio=(
            "Senior producer at Osprey Games, shipping a co-op puzzle game with a team of 35 "
            "spread across three provinces. Game production is project management with more "
            "crunch pressure than most, and I've spent years trying to plan that pressure out. "
            "Happy to talk milestone planning for creative teams."
        ),
        offers=("Milestone planning for creative work",),
        looking_for=("PMs who have managed creative or research teams",),
    ),
    _member(
        key="nkechi",
        name="Nkechi Eze",
        headline="Product owner at Vireo Medical Devices | agile inside medical device regulations",
        company="Vireo Medical Devices",
        title="Product Owner",
        location="Markham, ON",
        topics=("Product management", "Quality assurance", "Agile", "Healthcare IT"),
        bio=(
            "Product owner for Vireo's home monitoring app, working within medical device "
            "regulations that make every sprint review a little more formal. Biomedical engineer "
            "by training. I want to know how agile teams keep traceability without drowning in "
            "paperwork."
        ),
        offers=("Agile in regulated product development",),
        looking_for=("Product owners in medtech or pharma",),
    ),
    _member(
        key="lucas",
        name="Lucas Martin",
        headline="Portfolio manager at Trillium Mutual Insurance | rolling funding reviews",
        company="Trillium Mutual Insurance",
        title="Portfolio Manager",
        location="Toronto, ON",
        topics=(
            "Portfolio management",
            "Benefits-realisation",
            "Budgeting",
            "Digital transformation",
        ),
        bio=(
            "I manage Trillium Mutual's change portfolio: about forty initiatives competing for "
            "the same twenty architects. We recently moved quarterly funding reviews to a rolling "
            "model and I'm happy to share what broke. Born in Montréal, now a long-suffering "
            "Leafs fan."
        ),
        offers=("Lessons from a rolling funding model", "Portfolio capacity planning"),
        looking_for=("How other insurers run their portfolios",),
    ),
    _member(
        key="sana",
        name="Sana Qureshi",
        headline="Regulatory change PM at Bayview Bank | deadlines set outside the building",
        company="Bayview Bank",
        title="Project Manager, Regulatory Change",
        location="Toronto, ON",
        topics=("Risk management", "Stakeholder engagement", "Hybrid delivery", "Data migration"),
        bio=(
            "I deliver regulatory change projects at Bayview Bank, the kind with a fixed deadline "
            "set by someone outside the building. Most of my projects touch reporting data, so "
            "I've become fluent in data lineage. I run the chapter's monthly lunch-and-learn for "
            "women in project delivery."
        ),
        offers=("Planning against immovable regulatory dates", "Lunch-and-learn speaking slots"),
        looking_for=("Speakers for lunch-and-learn sessions",),
    ),
    _member(
        key="olivia",
        name="Olivia Thompson",
        headline="Independent facilitator and programme coach | VP Programs, PLA Lakeshore Chapter",
        company="Independent",
        title="Facilitator and Programme Coach",
        location="Toronto, ON",
        topics=("Facilitation", "Mentoring", "Stakeholder engagement", "Change management"),
        bio=(
            "Independent facilitator and VP Programs for the chapter, which means I choose the "
            "speakers and then worry about attendance. I run kickoff and reset workshops for "
            "project teams that have lost their way. Twelve years at a consulting firm before "
            "going independent in 2019."
        ),
        offers=("Project kickoff workshop design", "Speaking slots at chapter meetups"),
        looking_for=("Members with a project story worth presenting",),
    ),
    _member(
        key="kofi",
        name="Kofi Boateng",
        headline="Project management student and ex-logistics coordinator, seeking a first role",
        company="Lakeshore Polytechnic",
        title="Postgraduate Student, Project Management",
        location="Toronto, ON",
        topics=("Career change", "PMP exam prep", "Agile"),
        bio=(
            "Postgraduate project management student at Lakeshore Polytechnic after four years as "
            "a logistics coordinator in Accra. I'm looking for my first project coordinator role "
            "in Canada and learning how hiring works here. I volunteer at the chapter "
            "registration desk."
        ),
        offers=("Help at event registration",),
        looking_for=("Project coordinator roles", "Feedback on my CV"),
    ),
    _member(
        key="ines",
        name="Inês Carvalho",
        headline="Project controls manager at Harbourfront Construction | one-page cost reports",
        company="Harbourfront Construction",
        title="Project Controls Manager",
        location="Toronto, ON",
        topics=("Earned value", "Budgeting", "Schedule risk", "Construction"),
        bio=(
            "I run project controls across Harbourfront's residential portfolio: cost reports, "
            "cash flow forecasts and monthly earned value for six active sites. Before Toronto I "
            "worked on metro extensions in Lisbon. A good cost report should fit on one page and "
            "still tell the truth."
        ),
        offers=("Cost report reviews", "Construction cash flow forecasting"),
        looking_for=("Controls peers on owner-side projects",),
    ),
    _member(
        key="ahmed",
        name="Ahmed Hassan",
        headline="Capital projects manager at Clearwater Utilities | watermains and reservoirs",
        company="Clearwater Utilities",
        title="Capital Projects Manager",
        location="Hamilton, ON",
        topics=("Infrastructure", "Budgeting", "Procurement", "Sustainability"),
        bio=(
            "Capital projects manager at Clearwater Utilities, overseeing watermain replacements "
            "and a reservoir upgrade. Sixteen years in utilities, in Cairo and then Hamilton. "
            "I'm trying to get our five-year capital plan to reflect what we can actually deliver."
        ),
        offers=("Capital planning for utilities",),
        looking_for=("Ideas for making capital plans deliverable",),
    ),
    _member(
        key="laura",
        name="Laura Nguyen",
        headline="IT project manager at Fernleaf Retail, replacing point-of-sale in 80 stores",
        company="Fernleaf Retail",
        title="IT Project Manager",
        location="Mississauga, ON",
        topics=("Digital transformation", "Data migration", "Supplier contracts", "agile"),
        bio=(
            "IT project manager at Fernleaf Retail, replacing the point-of-sale system in 80 "
            "stores without closing any of them. I manage an implementation partner and a lot of "
            "weekend rollouts. I grew up in my parents' restaurant, so I have strong opinions "
            "about till software."
        ),
        offers=("Store rollout planning", "Managing implementation partners"),
        looking_for=("Retail PMs comparing rollout playbooks",),
    ),
    _member(
        key="rebecca",
        name="Rebecca Levine",
        headline="Talent partner at Redpath Talent for remote-first delivery and product roles",
        company="Redpath Talent",
        title="Talent Partner, Technology Delivery",
        location="Remote (Toronto)",
        topics=("Career change", "Remote teams", "Mentoring"),
        bio=(
            "Talent partner at Redpath, placing scrum masters, delivery managers and product "
            "owners with remote-first companies. I was a delivery manager myself, so I can "
            "actually read your CV. I run a free monthly session on interviewing for agile roles."
        ),
        offers=("Mock interviews for agile roles",),
        looking_for=("Hiring managers open to career changers",),
    ),
    _member(
        key="omar",
        name="Omar Khalil",
        headline="Project manager, grid modernisation at Lakeshore Energy | ex-field engineer",
        company="Lakeshore Energy",
        title="Project Manager, Grid Modernisation",
        location="Toronto, ON",
        topics=("Infrastructure", "Risk management", "Schedule risk", "Stakeholder engagement"),
        bio=(
            "Project manager for Lakeshore Energy's smart meter and grid automation projects. My "
            "stakeholders range from field crews to the regulator, with homeowners in between. I "
            "moved from field engineering to project management five years ago and still keep a "
            "hard hat in my car."
        ),
        offers=("Utility field operations context",),
        looking_for=("Schedule risk techniques for field-heavy projects",),
    ),
    _member(
        key="yuki",
        name="Yuki Nakamura",
        headline="PMO analyst at Acme Rail | integrated schedule and monthly earned value",
        company="Acme Rail",
        title="PMO Analyst",
        location="Toronto, ON",
        topics=("PMO", "Earned Value", "Schedule risk", "Budgeting"),
        bio=(
            "PMO analyst on Acme Rail's capital programme, where I maintain the integrated "
            "schedule and the monthly earned value report. I joined from a graduate scheme two "
            "years ago. I'd like to grow into a project controls lead and I'm learning all I can "
            "from the schedulers."
        ),
        offers=("Integrated schedule hygiene checks",),
        looking_for=("A mentor in project controls",),
    ),
    _member(
        key="samira",
        name="Samira Benali",
        headline="Change lead, clinical systems at Northwind Health | training 4,000 staff",
        company="Northwind Health",
        title="Change Lead, Clinical Systems",
        location="Toronto, ON",
        topics=("Change management", "healthcare IT", "Stakeholder engagement", "Facilitation"),
        bio=(
            "Change lead on Northwind's patient-records programme, responsible for training "
            "4,000 staff across three sites. Former nurse educator, so I've been on the receiving "
            "end of bad training. I care about super-user networks and about night staff getting "
            "the same support as day staff."
        ),
        offers=("Super-user network design", "Training plans for clinical staff"),
        looking_for=("Change leads from other hospital go-lives",),
    ),
    _member(
        key="gabriel",
        name="Gabriel Santos",
        headline="Scrum master at Tidewater Software | flow metrics over story points",
        company="Tidewater Software",
        title="Scrum Master",
        location="Waterloo, ON",
        topics=("Scrum", "Agile", "Lean", "Remote teams"),
        bio=(
            "Scrum master for Tidewater's mobile team in Waterloo. I came from a manufacturing "
            "line in São Paulo, where I first met kanban as a physical card system. I'm "
            "interested in flow metrics and in getting teams to stop estimating things that "
            "don't need estimates."
        ),
        offers=("Setting up flow metrics",),
        looking_for=("Teams trying to drop story points",),
    ),
    _member(
        key="anika",
        name="Anika Sharma",
        headline="Transformation manager at Quillfield Financial | digital onboarding",
        company="Quillfield Financial",
        title="Transformation Manager",
        location="Toronto, ON",
        topics=(
            "Digital transformation",
            "Change management",
            "Benefits realisation",
            "AI in project delivery",
        ),
        bio=(
            "Transformation manager at Quillfield Financial, leading the move from paper client "
            "onboarding to a digital process. I also sit on the firm's working group on "
            "generative AI, which is mostly about what we should not do yet. Previously a "
            "management consultant in London."
        ),
        offers=("AI usage policy discussions", "Onboarding process redesign"),
        looking_for=("Transformation leads measuring adoption",),
    ),
    _member(
        key="connor",
        name="Connor MacLeod",
        headline="Junior project manager at Maple Civic Works, eight months into my first PM role",
        company="Maple Civic Works",
        title="Junior Project Manager",
        location="Hamilton, ON",
        topics=("Infrastructure", "Public sector", "PMP exam prep"),
        bio=(
            "Junior project manager at Maple Civic Works, eight months into my first full-time "
            "role after a civil engineering degree. I look after road resurfacing contracts and "
            "I'm learning a lot from Liam and Isabelle. Studying for the CAPM this spring."
        ),
        offers=("Notes from a first-year PM",),
        looking_for=("Study partners for the CAPM",),
    ),
    _member(
        key="wanjiru",
        name="Wanjiru Kamau",
        headline="Project manager, warehouse systems at Kestrel Logistics | automation and lean",
        company="Kestrel Logistics",
        title="Project Manager, Warehouse Systems",
        location="Mississauga, ON",
        topics=("Hybrid delivery", "Supplier contracts", "Lean", "Data migration"),
        bio=(
            "Project manager for Kestrel's warehouse automation projects, currently installing a "
            "goods-to-person system in our Brampton facility. I work closely with Sam and Arjun "
            "on the systems side and with the vendor's engineers on the floor. Lean training from "
            "my years at a Nairobi bottling plant still shapes how I plan."
        ),
        offers=("Automation vendor management", "Lean layout reviews"),
        looking_for=("PMs who have installed warehouse robotics",),
    ),
    _member(
        key="marcus",
        name="Marcus Johnson",
        headline="Independent construction claims consultant | prevention beats forensics",
        company="Independent",
        title="Construction Claims Consultant",
        location="Oakville, ON",
        topics=(
            "Construction",
            "Supplier contracts",
            "Schedule risk",
            "Risk-management",
            "Procurement",
        ),
        bio=(
            "I help owners and contractors resolve delay and disruption claims, usually after "
            "everyone has stopped talking to each other. Thirty years in construction, the last "
            "twelve as an independent. I'd rather help a project avoid a claim than analyse one, "
            "so I do a lot of early contract reviews now."
        ),
        offers=("Delay claim prevention reviews",),
        looking_for=("Project teams early enough to avoid disputes",),
    ),
    _member(
        key="julia",
        name="Julia Kowalski",
        headline="Former high-school science teacher, now project coordinator at Fernleaf Retail",
        company="Fernleaf Retail",
        title="Project Coordinator",
        location="Mississauga, ON",
        topics=("Career change", "Facilitation", "PMP exam prep", "Agile"),
        bio=(
            "After eleven years teaching high-school science I joined Fernleaf as a project "
            "coordinator on the point-of-sale rollout. Running a classroom and running a store "
            "cutover have more in common than I expected. I'd like to meet other career changers "
            "and compare what transferred and what didn't."
        ),
        offers=("Training material design", "Honest career change stories"),
        looking_for=("Other career changers", "A PMP study group"),
    ),
    _member(
        key="tariq",
        name="Tariq Rahman",
        headline="Cybersecurity programme manager at Bayview Bank | identity and access",
        company="Bayview Bank",
        title="Cybersecurity Programme Manager",
        location="Toronto, ON",
        topics=(
            "Risk management",
            "Hybrid delivery",
            "Stakeholder engagement",
            "AI in project delivery",
        ),
        bio=(
            "I manage Bayview's identity and access programme, which touches every system and "
            "therefore every team. Security projects are mostly about persuading busy people to "
            "change how they log in. I'm interested in how AI tools fit into delivery without "
            "opening new security holes."
        ),
        offers=("Security considerations for project plans",),
        looking_for=("PMs thinking about AI tooling risks",),
    ),
    _member(
        key="camille",
        name="Camille Dubois",
        headline="Project manager, climate action at the City of Toronto | building retrofits",
        company="City of Toronto",
        title="Project Manager, Climate Action",
        location="Toronto, ON",
        topics=(
            "Sustainability",
            "Public sector",
            "Stakeholder engagement",
            "Benefits realisation",
        ),
        bio=(
            "Project manager in the City's environment office, delivering energy retrofits for "
            "community centres and libraries. I track energy savings after handover because "
            "that's where the real results show up. Grew up in Lyon, came here for a master's "
            "and stayed."
        ),
        offers=("Post-handover energy tracking", "Climate programme funding sources"),
        looking_for=("Benefits realisation practitioners",),
    ),
    _member(
        key="deepa",
        name="Deepa Krishnan",
        headline="Director, enterprise PMO at Northern Arc Telecom | career paths for PMs",
        company="Northern Arc Telecom",
        title="Director, Enterprise PMO",
        location="Markham, ON",
        topics=("PMO", "Portfolio management", "Budgeting", "Mentoring"),
        bio=(
            "I run Northern Arc's enterprise PMO and its 60-person project management community. "
            "This year my focus is career paths, so project managers don't have to leave to get "
            "promoted. Chapter mentor for four years."
        ),
        offers=("PM career framework examples", "Mentoring for PMO leads"),
        looking_for=("PMOs with strong career ladders",),
    ),
    _member(
        key="erik",
        name="Erik Johansson",
        headline="Risk manager at Greenway Transit Partners | co-runs the chapter risk round-table",
        company="Greenway Transit Partners",
        title="Risk Manager",
        location="Toronto, ON",
        topics=("Risk management", "Schedule risk", "Infrastructure", "Earned value"),
        bio=(
            "Risk manager for Greenway's light rail programme, running risk workshops and the "
            "quantitative cost risk model. I came to Toronto from Gothenburg in 2015 for a tunnel "
            "project and never left. I co-run the chapter's risk round-table with Thandi."
        ),
        offers=("Risk workshop facilitation", "Cost risk model reviews"),
        looking_for=("Risk practitioners outside transit",),
    ),
    _member(
        key="mariam",
        name="Mariam Yousef",
        headline="Finance project manager at Quillfield Financial | PLA Lakeshore treasurer",
        company="Quillfield Financial",
        title="Finance Project Manager",
        location="Toronto, ON",
        topics=("Budgeting", "Earned value", "PMO"),
        bio=(
            "Finance project manager at Quillfield, currently implementing a new planning and "
            "budgeting tool. I'm also the chapter treasurer, so I see every pizza receipt. "
            "Qualified accountant who got hooked on projects during a system upgrade."
        ),
        offers=("Project budgeting basics", "Answers on chapter sponsorship"),
        looking_for=("Volunteer help with the chapter budget",),
    ),
    _member(
        key="siobhan",
        name="Siobhan Murphy",
        headline="Design manager at Ironwood Engineering | short, frequent design reviews",
        company="Ironwood Engineering",
        title="Design Manager",
        location="Oakville, ON",
        topics=("Construction", "Quality assurance", "Stakeholder engagement", "Lean"),
        bio=(
            "Design manager at Ironwood, coordinating design teams on hospital and school "
            "projects. I came over from Cork in 2014. I want to cut design rework through better "
            "briefing and short, frequent design reviews instead of a few big ones."
        ),
        offers=("Advice on design review cadence",),
        looking_for=("Contractors' views on design quality",),
    ),
    _member(
        key="andre",
        name="André Baptiste",
        headline="Portfolio lead at Beacon Pharma | portfolio reviews that end in decisions",
        company="Beacon Pharma",
        title="Portfolio Lead, Clinical Operations",
        location="Mississauga, ON",
        topics=(
            "Portfolio management",
            "Healthcare IT",
            "Risk management",
            "Benefits realisation",
        ),
        bio=(
            "Portfolio lead for Beacon's clinical operations projects, balancing trial timelines "
            "against system upgrades. Originally from Port-au-Prince by way of Montréal. I like "
            "portfolio reviews that end with a decision, which is rarer than it should be."
        ),
        offers=("Portfolio review meeting design",),
        looking_for=("Portfolio peers in pharma",),
    ),
    _member(
        key="minjun",
        name="Min-jun Park",
        headline="AI delivery lead at Silverbirch Analytics | defining 'good enough' up front",
        company="Silverbirch Analytics",
        title="AI Delivery Lead",
        location="Remote (Toronto)",
        topics=("AI in project delivery", "Product management", "Agile", "Data migration"),
        bio=(
            "I lead delivery for Silverbirch's machine learning engagements, where the hardest "
            "part is agreeing what 'good enough' accuracy means before we start. Previously a "
            "data scientist. I'm collecting examples of AI projects that were stopped early for "
            "good reasons."
        ),
        offers=("Scoping AI projects realistically",),
        looking_for=("Stories of AI projects that were cancelled well",),
    ),
    _member(
        key="esther",
        name="Esther Adebayo",
        headline="Retired programme director | leads the PLA Lakeshore mentoring programme",
        company="Independent",
        title="Mentor and Retired Programme Director",
        location="Oakville, ON",
        topics=("Mentoring", "Portfolio management", "Benefits realisation", "Career change"),
        bio=(
            "I retired in 2023 after thirty-one years in programme management, most of it in "
            "government and banking. I now run the chapter's mentoring programme and match about "
            "forty pairs a year. My advice is usually to talk to your sponsor sooner than you "
            "think you need to."
        ),
        offers=("Mentoring matches", "Advice on sponsor relationships"),
        looking_for=("Experienced members willing to mentor",),
    ),
    _member(
        key="tenzin",
        name="Tenzin Dorje",
        headline="Project management student and former hotel operations supervisor",
        company="Lakeshore Polytechnic",
        title="Postgraduate Student, Project Management",
        location="Toronto, ON",
        topics=("Career change", "Agile", "Sustainability"),
        bio=(
            "Postgraduate project management student, previously a hotel operations supervisor "
            "for six years. I just joined the chapter and haven't been to a meetup yet. "
            "Interested in sustainability projects in hospitality and tourism."
        ),
        offers=("A hospitality operations perspective",),
        looking_for=("A first mentor", "Chapter events for newcomers"),
    ),
    _member(
        key="aaliyah",
        name="Aaliyah Grant",
        headline="Quality project manager at Vireo Medical Devices | audit readiness and CAPA",
        company="Vireo Medical Devices",
        title="Quality Project Manager",
        location="Markham, ON",
        topics=("Quality assurance", "Healthcare IT", "Risk management", "Lean"),
        bio=(
            "Quality project manager at Vireo, recently moved over from a manufacturing quality "
            "role. I manage corrective action projects and our upcoming audit readiness work. "
            "New to the chapter and keen to meet people in regulated industries."
        ),
        offers=("Corrective and preventive action experience",),
        looking_for=("Regulated-industry PMs to learn from",),
    ),
    _member(
        key="felix",
        name="Felix Wagner",
        headline="Freelance scrum master for early-stage startups, new to Toronto from Berlin",
        company="Independent",
        title="Freelance Scrum Master",
        location="Remote (Toronto)",
        topics=("Scrum", "Agile", "Remote teams", "Facilitation"),
        bio=(
            "Freelance scrum master who just moved to Toronto from Berlin. I work with "
            "early-stage startups on short engagements, usually helping a founding team add its "
            "first bit of process. Looking to meet local agile people."
        ),
        offers=("Short-term scrum support for startups",),
        looking_for=("Local agile meetups", "Introductions to startups"),
    ),
)

# Undirected: each pair appears once, in either order.
CONNECTIONS: tuple[tuple[str, str], ...] = (
    # Acme Rail and Thandi's network (Thandi has 8; Sam is not among them).
    ("thandi", "kwame"),
    ("thandi", "ana"),
    ("thandi", "yuki"),
    ("thandi", "erik"),
    ("thandi", "hiroshi"),
    ("thandi", "priya"),
    ("thandi", "liam"),
    ("thandi", "marcus"),
    ("kwame", "yuki"),
    ("kwame", "ana"),
    ("ana", "yuki"),
    # Kestrel Logistics and Sam (Kwame and Priya are mutuals with Thandi).
    ("sam", "mateo"),
    ("sam", "arjun"),
    ("sam", "wanjiru"),
    ("sam", "priya"),
    ("sam", "kwame"),
    # Sam's peers across the chapter, with their history written out in engagement/demo.py:
    # four from before the pact, five made through it in the last twelve weeks.
    ("sam", "julia"),
    ("sam", "chen"),
    ("sam", "erik"),
    ("sam", "marcus"),
    ("sam", "keisha"),
    ("sam", "deepa"),
    ("sam", "tariq"),
    ("sam", "hannah"),
    ("sam", "yuki"),
    ("mateo", "arjun"),
    ("mateo", "wanjiru"),
    ("arjun", "wanjiru"),
    # The chapter president is the hub.
    ("priya", "amara"),
    ("priya", "olivia"),
    ("priya", "mariam"),
    ("priya", "esther"),
    ("priya", "rajesh"),
    ("priya", "ben"),
    ("priya", "sana"),
    ("priya", "dmitri"),
    ("priya", "tariq"),
    ("priya", "jamal"),
    ("priya", "deepa"),
    ("priya", "lucas"),
    ("priya", "zanele"),
    ("priya", "nadia"),
    # Bayview Bank.
    ("dmitri", "ben"),
    ("dmitri", "sana"),
    ("ben", "sana"),
    ("sana", "tariq"),
    ("ben", "tariq"),
    # Chapter volunteers.
    ("amara", "olivia"),
    ("amara", "mariam"),
    ("olivia", "esther"),
    ("mariam", "esther"),
    ("olivia", "mariam"),
    ("amara", "esther"),
    # Tidewater Software and the agile crowd.
    ("meilin", "aiko"),
    ("meilin", "chen"),
    ("meilin", "gabriel"),
    ("aiko", "gabriel"),
    ("chen", "gabriel"),
    ("aiko", "chen"),
    ("meilin", "dmitri"),
    ("meilin", "amara"),
    ("diego", "meilin"),
    ("diego", "aiko"),
    ("diego", "chen"),
    ("gabriel", "dmitri"),
    # Data and AI.
    ("chen", "minjun"),
    ("elena", "minjun"),
    ("elena", "chen"),
    ("aiko", "minjun"),
    ("anika", "minjun"),
    ("tariq", "minjun"),
    # Northwind Health.
    ("fatima", "leila"),
    ("fatima", "samira"),
    ("leila", "samira"),
    ("fatima", "elena"),
    ("leila", "andre"),
    ("nkechi", "leila"),
    ("nkechi", "fatima"),
    ("samira", "mariajose"),
    ("leila", "lucas"),
    # Product owners and regulated product work.
    ("nkechi", "aiko"),
    ("nkechi", "aaliyah"),
    ("nkechi", "hannah"),
    ("hannah", "andre"),
    ("hannah", "dmitri"),
    # Harbourfront Construction.
    ("oluwaseun", "tomasz"),
    ("oluwaseun", "ines"),
    ("tomasz", "ines"),
    ("oluwaseun", "hiroshi"),
    ("ines", "hiroshi"),
    ("ines", "sofia"),
    ("marcus", "oluwaseun"),
    ("marcus", "hiroshi"),
    ("siobhan", "oluwaseun"),
    ("yusuf", "tomasz"),
    ("siobhan", "tomasz"),
    # Maple Civic Works and Hamilton.
    ("liam", "isabelle"),
    ("liam", "connor"),
    ("isabelle", "connor"),
    ("isabelle", "ana"),
    ("isabelle", "ahmed"),
    ("liam", "ahmed"),
    ("liam", "patrick"),
    ("nadia", "liam"),
    # Lakeshore Energy.
    ("sofia", "zanele"),
    ("sofia", "omar"),
    ("zanele", "omar"),
    ("omar", "erik"),
    ("zanele", "camille"),
    ("sofia", "yuki"),
    ("omar", "hiroshi"),
    # City of Toronto.
    ("nadia", "keisha"),
    ("nadia", "camille"),
    ("keisha", "camille"),
    ("keisha", "mariam"),
    ("keisha", "rajesh"),
    ("nadia", "yusuf"),
    # Greenway Transit Partners and the risk round-table.
    ("yusuf", "erik"),
    ("erik", "hiroshi"),
    ("yusuf", "kwame"),
    ("erik", "sofia"),
    # Independents, mentors and study groups.
    ("rajesh", "esther"),
    ("rajesh", "deepa"),
    ("rajesh", "grace"),
    ("rajesh", "kofi"),
    ("rajesh", "mateo"),
    ("rajesh", "tomasz"),
    ("rajesh", "arjun"),
    ("rajesh", "connor"),
    ("esther", "grace"),
    ("esther", "julia"),
    ("esther", "yuki"),
    ("esther", "deepa"),
    ("vikram", "yusuf"),
    ("grace", "camille"),
    ("grace", "ines"),
    # Recruiters and career changers.
    ("jamal", "rebecca"),
    ("jamal", "julia"),
    ("jamal", "arjun"),
    ("jamal", "deepa"),
    ("jamal", "kofi"),
    ("rebecca", "chen"),
    ("rebecca", "kofi"),
    ("rebecca", "esther"),
    ("rebecca", "amara"),
    ("rebecca", "diego"),
    # Fernleaf Retail.
    ("laura", "julia"),
    ("laura", "wanjiru"),
    ("laura", "elena"),
    ("laura", "anika"),
    # Quillfield Financial and change people.
    ("anika", "mariam"),
    ("anika", "mariajose"),
    ("anika", "lucas"),
    ("mariajose", "olivia"),
    ("mariajose", "vikram"),
    ("mariajose", "dmitri"),
    # Trillium Mutual Insurance.
    ("amara", "lucas"),
    ("lucas", "vikram"),
    ("lucas", "andre"),
    # Northern Arc Telecom.
    ("vikram", "deepa"),
    ("vikram", "ana"),
    ("vikram", "tariq"),
    # Beacon Pharma and portfolio peers.
    ("andre", "zanele"),
    # Ironwood Engineering and water.
    ("patrick", "siobhan"),
    ("patrick", "ahmed"),
    ("patrick", "camille"),
    ("ahmed", "zanele"),
    # Cross-links by topic.
    ("sana", "elena"),
    ("ben", "mateo"),
    ("wanjiru", "hannah"),
    ("keisha", "deepa"),
    ("olivia", "leila"),
    ("sofia", "hiroshi"),
    ("marcus", "ana"),
    ("samira", "olivia"),
)


# Experience and education on some profiles (issue 19): (organisation, role, start, end)
# newest first, and (school, degree, field of study, start, end); dates as the profile writes
# them ("2019-04", or the year alone), an empty end for "present". The current position is
# the member's company and title.
EXPERIENCE: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "sam": (
        ("Kestrel Logistics", "Project Manager", "2021-09", ""),
        ("Kestrel Logistics", "Warehouse Operations Supervisor", "2017-05", "2021-08"),
        ("Lakeshore Freight", "Shift Lead, Cross-dock", "2014-03", "2017-04"),
    ),
    "thandi": (
        ("Acme Rail", "Senior Programme Manager", "2020-02", ""),
        ("Acme Rail", "Project Manager, Signalling Renewal", "2015-06", "2020-01"),
        ("Transnet Freight Rail", "Project Engineer", "2010-01", "2015-04"),
    ),
    "priya": (
        ("Bayview Bank", "Director, Portfolio Management", "2019-11", ""),
        ("Bayview Bank", "Programme Manager, Payments", "2014-08", "2019-10"),
    ),
    "mateo": (
        ("Kestrel Logistics", "PMO Lead", "2022-01", ""),
        ("Maple Civic Works", "Project Controls Analyst", "2016-09", "2021-12"),
    ),
    "meilin": (
        ("Tidewater Software", "Scrum Master", "2020-06", ""),
        ("Tidewater Software", "QA Analyst", "2017-01", "2020-05"),
    ),
    "oluwaseun": (
        ("Harbourfront Construction", "Senior Construction Project Manager", "2018-04", ""),
        ("Julius Berger Nigeria", "Site Engineer", "2009-02", "2016-12"),
    ),
    "ana": (
        ("Acme Rail", "Commercial Manager", "2021-03", ""),
        ("Lakeshore Energy", "Contracts Specialist", "2016-07", "2021-02"),
    ),
    "grace": (("Harbourfront Construction", "Project Coordinator (co-op)", "2025-05", "2025-08"),),
}
EDUCATION: dict[str, tuple[tuple[str, str, str, str, str], ...]] = {
    "sam": (("Humber College", "Diploma", "Supply Chain Management", "2010", "2013"),),
    "thandi": (
        ("University of Toronto", "MEng", "Civil Engineering", "2012", "2014"),
        ("University of Cape Town", "BSc", "Civil Engineering", "2005", "2009"),
    ),
    "priya": (("Rotman School of Management", "MBA", "", "2012", "2014"),),
    "oluwaseun": (("University of Lagos", "BSc", "Building", "2004", "2008"),),
    "grace": (("Grand River University", "MEng", "Engineering Management", "2024-09", ""),),
    "rajesh": (
        (
            "Indian Institute of Technology Bombay",
            "BTech",
            "Mechanical Engineering",
            "1996",
            "2000",
        ),
    ),
}
# Demo members with a generated portrait (no photo is downloaded); the others show initials.
PORTRAITS: tuple[str, ...] = ("thandi", "priya", "mateo", "meilin", "kwame", "ana", "dmitri")


def _topic_slug(topic: str) -> str:
    """Mirror the app's topic identity for ASCII topics: case and punctuation do not matter."""
    return re.sub(r"[^a-z0-9]+", "-", topic.casefold()).strip("-")


def _check_items(member: CastMember, field: str, items: tuple[str, ...]) -> list[str]:
    problems: list[str] = []
    if not MIN_ITEMS <= len(items) <= MAX_ITEMS:
        problems.append(
            f"{member.key}: {field} has {len(items)} items (want {MIN_ITEMS}-{MAX_ITEMS})"
        )
    for item in items:
        if not item.strip():
            problems.append(f"{member.key}: {field} has an empty item")
        elif len(item) > MAX_ITEM:
            problems.append(f"{member.key}: {field} item {item!r} is {len(item)} > {MAX_ITEM}")
    return problems


def _check_member(member: CastMember, vocabulary: set[str]) -> list[str]:
    problems: list[str] = []
    if not re.fullmatch(r"[a-z][a-z0-9]*", member.key):
        problems.append(f"{member.key!r}: key must be a short lowercase slug")
    if not member.name.strip():
        problems.append(f"{member.key}: name is empty")
    if member.email != f"{member.key}@{DEMO_EMAIL_DOMAIN}" or member.email != member.email.lower():
        problems.append(f"{member.key}: email {member.email!r} is not the lowercase demo address")
    limits = {
        "headline": (member.headline, MAX_HEADLINE),
        "company": (member.company, MAX_COMPANY),
        "title": (member.title, MAX_TITLE),
        "location": (member.location, MAX_LOCATION),
        "bio": (member.bio, MAX_BIO),
    }
    for field, (value, limit) in limits.items():
        if not value.strip():
            problems.append(f"{member.key}: {field} is empty")
        elif len(value) > limit:
            problems.append(f"{member.key}: {field} is {len(value)} characters (max {limit})")
    if not MIN_TOPICS <= len(member.topics) <= MAX_TOPICS:
        problems.append(
            f"{member.key}: has {len(member.topics)} topics (want {MIN_TOPICS}-{MAX_TOPICS})"
        )
    slugs = [_topic_slug(topic) for topic in member.topics]
    if len(set(slugs)) != len(slugs):
        problems.append(f"{member.key}: repeats a topic {member.topics!r}")
    problems.extend(
        f"{member.key}: topic {topic!r} is not in TOPIC_VOCABULARY"
        for topic, slug in zip(member.topics, slugs, strict=True)
        if slug not in vocabulary
    )
    problems.extend(_check_items(member, "offers", member.offers))
    problems.extend(_check_items(member, "looking_for", member.looking_for))
    return problems


def validate_cast() -> None:
    """Check every invariant of the cast and its connections; raise ValueError listing all
    problems found."""
    problems: list[str] = []
    if len(CAST) != CAST_SIZE:
        problems.append(f"CAST has {len(CAST)} members (want {CAST_SIZE})")

    keys = [member.key for member in CAST]
    emails = [member.email for member in CAST]
    problems.extend(f"duplicate key {k!r}" for k in sorted({k for k in keys if keys.count(k) > 1}))
    problems.extend(
        f"duplicate email {e!r}" for e in sorted({e for e in emails if emails.count(e) > 1})
    )
    if DEMO_LOGIN_KEY not in keys:
        problems.append(f"DEMO_LOGIN_KEY {DEMO_LOGIN_KEY!r} is not a cast member")

    vocabulary = {_topic_slug(topic) for topic in TOPIC_VOCABULARY}
    for member in CAST:
        problems.extend(_check_member(member, vocabulary))

    known = set(keys)
    seen: set[frozenset[str]] = set()
    for a, b in CONNECTIONS:
        problems.extend(
            f"connection ({a!r}, {b!r}) names unknown member {k!r}"
            for k in (a, b)
            if k not in known
        )
        if a == b:
            problems.append(f"connection ({a!r}, {b!r}) connects a member to themselves")
            continue
        pair = frozenset((a, b))
        if pair in seen:
            problems.append(f"connection ({a!r}, {b!r}) is listed more than once")
        seen.add(pair)

    problems.extend(
        f"{table} names unknown member {k!r}"
        for table, keyed in (("EXPERIENCE", EXPERIENCE), ("EDUCATION", EDUCATION))
        for k in keyed
        if k not in known
    )
    problems.extend(f"PORTRAITS names unknown member {k!r}" for k in PORTRAITS if k not in known)

    if problems:
        raise ValueError("Invalid demo cast:\n  " + "\n  ".join(problems))
