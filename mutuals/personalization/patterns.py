"""The named phrase lists the engine looks for: placeholders in every mail-merge syntax, stock
phrases, flattery, sales pitches, and what makes a sentence an ask. Each list is data, so a
new pattern is one line here and one test case in the corpus."""

from __future__ import annotations

import re

_PLACEHOLDER_WORDS = (
    r"(?:first|last|full|given|family|sur|nick|your|their|my|his|her|recipient|contact|"
    r"company|organi[sz]ation|org|employer|business|firm|manager|hiring|job|role|position|"
    r"title|name|fname|lname|industry|city|location|school|university|product|team|"
    r"department|insert|date|event|topic|mutual|sender|prospect|lead|account|custom|field)"
)

# (name, pattern): a template never filled in, in the syntaxes mail-merge tools use.
PLACEHOLDERS: list[tuple[str, re.Pattern[str]]] = [
    # [First Name], [Company Name], [insert name], [FIRST_NAME], [Job Title]
    (
        "square brackets",
        re.compile(rf"\[\s*[^\[\]\n]{{0,30}}?{_PLACEHOLDER_WORDS}[^\[\]\n]{{0,30}}\](?!\()", re.I),
    ),
    # [Monday / Tuesday], [option A | option B]: a bracketed list of options
    (
        "bracketed options",
        re.compile(r"\[[^\[\]\n]{1,40}(?:\s?[/|]\s?|\s+or\s+)[^\[\]\n]{1,40}\](?!\()", re.I),
    ),
    # {first_name}, {{contact.first_name}}, {!Contact.FirstName}, {Hi|Hello} (spintax)
    ("braces", re.compile(r"\{\{?\s*[!#$%]?\s*[A-Za-z_][\w.|: -]{0,40}\}?\}")),
    # *|FNAME|* (Mailchimp)
    ("merge tag", re.compile(r"\*\|\s*[A-Za-z_:]+\s*\|\*")),
    # <<Name>>, «Company» (word processors' mail merge)
    ("chevrons", re.compile(r"(?:<<|«)\s*[A-Za-z_][\w .-]{0,30}(?:>>|»)")),
    # <first name>, <company>
    ("angle brackets", re.compile(rf"<\s*{_PLACEHOLDER_WORDS}[\w ]{{0,25}}>", re.I)),
    # %FIRSTNAME%, %first_name%, %%Company%%
    ("percent", re.compile(r"%%?[A-Za-z][A-Za-z_.]{1,30}%%?")),
    # ${first_name}, $FirstName, $(company)
    ("dollar", re.compile(r"\$(?:\{[^}\n]{1,30}\}|\([A-Za-z_]{2,30}\)|[A-Z][A-Za-z]*Name\b)")),
    # #FNAME#, ##company##
    ("hashes", re.compile(r"##?[A-Za-z_]{2,30}##?")),
    # (FIRST NAME), (COMPANY)
    (
        "capitals in brackets",
        re.compile(r"\((?:FIRST ?NAME|NAME|COMPANY|TITLE|ROLE|INSERT[A-Z ]*)\)"),
    ),
    # XXX, INSERT NAME, NAME HERE, a blank to fill in
    ("blank", re.compile(r"\b(?:X{3,}|INSERT (?:NAME|COMPANY)|NAME HERE)\b|_{3,}", re.I)),
]

STOCK_PHRASES = [
    r"i'?d like to (add you to|join) (my|your) (professional )?network",
    r"i would like to (add you to|join) (my|your) (professional )?network",
    r"(add|join) (you to )?my (professional )?network",
    r"i came across your (profile|page)",
    r"let'?s connect[.!]?",
    r"(expand|grow|build|broaden) my (professional )?network",
    r"like-?minded (professionals?|people|individuals)",
    r"i hope this (message|note|email|e-mail) finds you well",
    r"hope you'?re (doing )?(well|great|having a great (day|week))",
    r"would love to connect",
    r"happy to connect",
    r"great to connect",
    r"connect with you (here )?on (linkedin|mutuals)",
    r"i'?m always looking to connect",
    r"(stay|keep) (connected|in touch) (here|on linkedin)",
    r"mutually beneficial",
    r"(i'?d|i would) (love|like) to (connect|be connected) with you",
    r"(i'?m|i am) reaching out (to|because) (connect|expand|grow)",
    r"(it )?would be (great|nice|an honou?r) to (connect|have you in my network)",
    r"look(ing)? forward to connecting",
]

FLATTERY = [
    r"(really |very |so |truly |deeply )?impressed (by|with) your (experience|profile|background|"
    r"career|journey|achievements?|accomplishments|work|expertise|success)",
    r"your (impressive|remarkable|amazing|inspiring|incredible|outstanding|stellar|extraordinary|"
    r"exceptional|stunning|phenomenal|fantastic|brilliant) (career|profile|background|journey|"
    r"experience|achievements?|accomplishments|work|track record|expertise|leadership)",
    r"(big|huge|great) (fan|admirer) of (your|you)",
    r"(true|real|natural|visionary|inspirational) (leader|visionary|inspiration|trailblazer)",
    r"thought leader",
    r"you('re| are) (an|such an|a true|a real) (inspiration|role model|rock ?star|legend)",
    r"i (really |truly |deeply )?(admire|look up to) (you|your)",
    r"(always|truly|really) inspired by (you|your)",
    r"(someone|people) (like you|of your calibre|of your caliber)",
    r"your (profile|career|journey) (is|has been) (so |truly |really )?(inspiring|impressive|"
    r"amazing|remarkable)",
    r"(learn|learning) (so much |a lot )?from (someone|a leader) like you",
]

# (name, pattern): a sales pitch, a service offer or an ask for a sales call.
SALES_PITCH: list[tuple[str, str]] = [
    (
        "our product helps",
        r"\bour (\w+[ -]){0,3}(platform|system|solution|software|tool|product|app|service|"
        r"services|consultancy|agency|firm|offering|suite|technology|api)s? (has |have )?"
        r"(help|helped|helps|enable|enables|enabled|allow|allows|lets|delivers?|drives?|saves?|"
        r"cuts?|reduces?|boosts?|increases?|automates?|flags?|detects?|predicts?|monitors?|"
        r"tracks?|catches|finds|prevents?|integrates?|powers?|eliminates?|streamlines?|"
        r"improves?|optimi[sz]es?|ensures?|is used|is trusted|can help|can save|can cut)\b",
    ),
    ("our product", r"\bour (product|solution|platform|software|services?|offering|agency)\b"),
    (
        "we help companies",
        r"\b(we|i) (help|work with|partner with|support) (\w+[ -]){0,2}(companies|teams|"
        r"businesses|organi[sz]ations|brands|founders|leaders|startups|firms|clients|agencies|"
        r"retailers|enterprises|ceos|executives|hospitals|schools)\b",
    ),
    ("companies like yours", r"\b(companies|teams|businesses|organi[sz]ations) like (yours|\w+)\b"),
    (
        "book a demo",
        r"\b(book|schedule|set up|arrange|grab|hop on|jump on) a (quick |short |free |brief )?"
        r"(demo|call with (me|us|our)|discovery call|meeting with our)\b",
    ),
    ("quick demo or call", r"\b(quick|short|brief|free|15[- ]minute|15[- ]min) (demo|discovery)\b"),
    ("quick call", r"\b(a |on a )?quick (call|phone call|zoom|sync)\b"),
    ("free trial", r"\bfree (trial|consultation|audit|assessment|pilot|demo|strategy session)\b"),
    (
        "pricing",
        r"\b(special|exclusive|limited[- ]time) (offer|discount|pricing|deal)\b|\bour (pricing|"
        r"rates|packages?|plans)\b|\b\d+ ?% (off|discount)\b|"
        r"\bpricing (starts|from|is|plans?|tiers?)\b|\$\d|"
        r"\b(per|a) (month|seat|user)\b|/(month|mo|seat)\b",
    ),
    (
        "increase your revenue",
        r"\b(increase|grow|boost|double|triple|maximi[sz]e|improve) (your |their )?(revenue|sales|"
        r"leads|roi|pipeline|conversions?|retention|bookings|margins|profits?)\b",
    ),
    ("cut your costs", r"\b(cut|reduce|lower|slash) (your )?(costs|churn|spend|overheads?)\b"),
    ("boost your", r"\b(boost|double|triple|10x) your\b"),
    ("case study", r"\bcase stud(y|ies)\b"),
    ("show you how", r"\b(love|like|happy) to show you (how|what)\b"),
    ("decision maker", r"\b(right person|decision[- ]maker|who handles|in charge of purchasing)\b"),
    ("clients include", r"\b(our )?clients (include|like)\b|\btrusted by\b"),
]

# A sentence that asks: a question, or a request for something specific.
ASK_PATTERNS = [
    r"\bcould (i|we|you)\b",
    r"\bwould you\b",
    r"\bcan (i|we|you)\b",
    r"\bmay i\b",
    r"\bwould it be (ok|okay|possible|alright)\b",
    r"\b(are|would) you (be )?(open|up) (to|for)\b",
    r"\b(i'?d|i would) (love|like|be grateful|appreciate)( it)? (to |if you )?(ask|learn|hear|get|"
    r"compare|swap|talk|discuss|pick|trade|borrow|see|understand|know)\b",
    r"\b(do|did|have|has|is|are|was|were|how|what|why|which|where|when) [^.!?]{2,120}\?",
    r"\blet me know (if|whether|when)\b",
    r"\bif you (have|had|could|can|would|are|were) [^.!?]{0,60}"
    r"(time|minutes|chance|willing|open)\b",
    r"\b(\d+|twenty|fifteen|thirty|ten) ?(-| )?min(ute)?s?\b",
    r"\b(coffee|a call|a chat|video call)\b",
]

INTENT_WORDS: dict[str, tuple[str, ...]] = {
    "advice": ("advice", "advise", "ask you", "your view", "your take", "learn how", "tips"),
    "mentorship": ("mentor", "mentoring", "mentorship", "guidance", "guide me"),
    "collaboration": ("collaborat", "work together", "partner", "co-", "joint", "team up"),
    "referral": ("referral", "refer", "role at", "opening", "position", "application"),
    "knowledge_exchange": (
        "exchange",
        "swap",
        "compare notes",
        "share notes",
        "trade notes",
        "learn from each other",
        "compare",
    ),
    "hiring": ("hiring", "role", "position", "join our team", "opening", "recruit"),
    "peer": ("peer", "compare notes", "stay in touch", "swap", "fellow"),
}

EVENT_WORDS = (
    r"\b(event|workshop|meetup|meet-up|conference|talk|session|panel|webinar|summit|forum|"
    r"round-?table|hackathon|breakfast|lunch|dinner|keynote|masterclass|bootcamp|retreat|"
    r"symposium|seminar|launch|open day|drinks)\b"
)
CONTENT_WORDS = (
    r"\byour (recent |latest |last )?(post|article|write-?up|piece|thread|comment|essay|blog|"
    r"newsletter|paper|talk|slides|video|podcast|note|question|answer|recap)\b"
)
MUTUAL_WORDS = r"\b(mutual|introduced|suggested (i|that i|we)|recommended|pointed me)\b"
