"""Role mapping: free job text (tech stack, role category) to one of the role types."""

from __future__ import annotations

import pytest

from hireloop.engine.knowledge import (
    CATEGORY_ROLES,
    PACKS_DIR,
    ROLE_TYPES,
    KnowledgeBase,
    read_pack,
)
from hireloop.engine.schema import DIFFICULTY_ORDER, RolePack, SkillPack
from hireloop.engine.text import normalize_term

ROLE_PACKS = {
    path.stem: read_pack(path, RolePack) for path in sorted((PACKS_DIR / "roles").glob("*.yaml"))
}

# Written out by hand so that deleting an alias from a pack fails a test.
# fmt: off
EXPECTED_ALIASES: dict[str, tuple[str, ...]] = {
    "react": (
        "react.js", "reactjs", "react developer", "redux", "next.js", "nextjs", "gatsby", "remix",
        "jsx",
    ),
    "javascript": (
        "js", "vanilla js", "es6", "ecmascript", "frontend", "frontend developer",
        "frontend engineer", "ui developer", "ui engineer", "web frontend", "html", "css",
        "html/css", "jquery", "vue", "vue.js", "vuejs", "nuxt", "angular", "angularjs", "svelte",
        "sveltekit",
    ),
    "typescript": (
        "ts", "typescript developer", "tsc",
    ),
    "nodejs": (
        "node", "node.js", "node developer", "express", "express.js", "nestjs", "nest.js", "koa",
        "fastify", "hapi", "deno", "bun", "backend javascript", "nodejs",
    ),
    "python": (
        "python3", "python 3", "python developer", "django", "flask", "fastapi", "pyramid",
        "celery", "machine learning", "ml engineer", "pytorch", "tensorflow", "scikit-learn",
    ),
    "go": (
        "golang", "go developer", "gin", "echo framework", "go lang",
    ),
    "rust": (
        "rustlang", "rust developer", "tokio", "actix", "axum",
    ),
    "java": (
        "jvm", "java developer", "spring", "spring boot", "spring framework", "hibernate", "j2ee",
        "java ee", "jakarta ee", "scala", "maven", "gradle",
    ),
    "csharp": (
        "c#", "c# developer", ".net", "asp.net", "asp.net core", ".net core", "dotnet core",
        "entity framework", "blazor", "vb.net", "f#", "dotnet", "csharp", "c sharp",
    ),
    "php": (
        "php developer", "laravel", "symfony", "wordpress", "drupal", "codeigniter", "magento",
        "lamp",
    ),
    "ruby": (
        "rails", "ruby on rails", "ror", "ruby developer", "sinatra",
    ),
    "mobile": (
        "mobile developer", "mobile development", "mobile engineer", "react native", "flutter",
        "dart", "swift", "swiftui", "objective-c", "kotlin", "jetpack compose", "ios", "android",
        "xamarin", "ionic",
    ),
    "fullstack": (
        "full stack developer", "full stack engineer", "mern", "mean", "mevn", "system design",
        "software design", "api design", "design patterns", "full stack", "full-stack",
        "fullstack developer",
    ),
    "data_engineering": (
        "data", "data engineer", "data pipelines", "data platform", "data warehouse",
        "data science", "data analytics", "data analyst", "big data", "analytics", "etl", "elt",
        "sql", "postgresql", "postgres", "mysql", "sql server", "t-sql", "pl/sql", "database",
        "databases", "database design", "dba", "spark", "pyspark", "apache spark", "airflow", "dbt",
        "kafka", "hadoop", "snowflake", "bigquery", "redshift", "databricks", "pandas", "power bi",
        "tableau",
    ),
    "devops": (
        "sre", "site reliability", "site reliability engineering", "platform",
        "platform engineering", "platform engineer", "infrastructure", "infrastructure as code",
        "cloud", "cloud engineer", "aws", "gcp", "google cloud", "azure", "docker", "kubernetes",
        "k8s", "helm", "openshift", "terraform", "pulumi", "ansible", "cloudformation", "jenkins",
        "ci/cd", "github actions", "gitlab ci", "linux", "sysadmin", "system administration",
        "prometheus", "grafana", "observability", "devops engineer", "dev ops",
    ),
    "qa_automation": (
        "qa", "quality assurance", "quality engineering", "qa engineer", "qa automation engineer",
        "sdet", "test automation", "automation testing", "software testing", "manual testing",
        "tester", "testing", "selenium", "webdriver", "cypress", "playwright", "appium", "jmeter",
        "cucumber", "testng", "robot framework",
    ),
    "sales": (
        "account executive", "account manager", "business development",
        "business development representative", "bizdev", "sdr", "bdr", "sales development",
        "inside sales", "b2b sales", "saas sales", "sales representative", "sales rep", "pre-sales",
    ),
    "support": (
        "customer support", "customer success", "customer success manager", "csm",
        "customer service", "customer care", "customer experience", "help desk", "service desk",
        "technical support", "tech support", "it support", "product support", "call center",
        "contact center", "zendesk",
    ),
    "product": (
        "product manager", "product management", "product owner", "product lead",
        "product strategy", "product analyst",
    ),
    "design": (
        "designer", "ux", "ui", "ux/ui", "ui/ux", "ux design", "ui design", "ux designer",
        "ui designer", "product design", "product designer", "user experience", "user interface",
        "interaction design", "visual design", "graphic design", "web design", "service design",
        "ux research", "user research", "figma", "sketch", "brand designer",
    ),
    "marketing": (
        "digital marketing", "content marketing", "product marketing", "growth marketing",
        "growth hacking", "performance marketing", "email marketing", "social media", "seo", "sem",
        "ppc", "google ads", "brand", "copywriting", "public relations",
    ),
    "operations": (
        "ops", "business operations", "bizops", "operations manager", "logistics", "supply chain",
        "procurement", "process improvement", "vendor management", "facilities", "fulfillment",
    ),
    "management": (
        "engineering manager", "engineering management", "people manager", "people management",
        "team lead", "team leader", "head of engineering", "director of engineering",
        "vp engineering", "project manager", "project management", "program manager",
        "program management", "delivery manager", "scrum master", "leadership",
    ),
    "general": (
        "other", "generalist", "soft skills", "behavioral", "behavioural", "administrative",
        "administration", "office manager", "human resources", "hr", "recruiter", "recruiting",
        "talent acquisition", "finance", "accounting", "legal",
    ),
}
# fmt: on

ALIAS_CASES = sorted(
    {(role, alias) for role, aliases in EXPECTED_ALIASES.items() for alias in aliases}
    | {(role.id, alias) for role in ROLE_PACKS.values() for alias in role.aliases}
)


def _stub_skill(skill_id: str) -> SkillPack:
    questions = [
        {
            "id": f"{skill_id}-{difficulty.value}-{n}",
            "difficulty": difficulty.value,
            "text": "Tell me about a time you used this skill.",
            "claims": [
                {
                    "id": f"claim-{i}",
                    "text": "The candidate describes the situation",
                    "slots": {"setting": ["the situation"], "said": ["was described"]},
                }
                for i in (1, 2)
            ],
            "followup": "What was the result?",
        }
        for difficulty in DIFFICULTY_ORDER
        for n in (1, 2)
    ]
    return SkillPack.model_validate(
        {"id": skill_id, "name": skill_id, "technical": True, "questions": questions}
    )


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    """The real role packs over stub skills: mapping does not depend on question content."""
    skill_ids = sorted({skill for role in ROLE_PACKS.values() for skill in role.core_skills})
    return KnowledgeBase(
        ROLE_PACKS.values(), [_stub_skill(s) for s in skill_ids], required_roles=ROLE_TYPES
    )


def test_alias_table_matches_role_packs() -> None:
    assert set(EXPECTED_ALIASES) == set(ROLE_TYPES) == set(ROLE_PACKS)
    for role_id, aliases in EXPECTED_ALIASES.items():
        assert sorted(ROLE_PACKS[role_id].aliases) == sorted(aliases), role_id


def test_at_least_a_hundred_distinct_aliases() -> None:
    keys = {normalize_term(alias) for role in ROLE_PACKS.values() for alias in role.aliases}
    assert len(keys) >= 100


@pytest.mark.parametrize(("role_id", "alias"), ALIAS_CASES)
def test_every_alias_maps_to_its_role(kb: KnowledgeBase, role_id: str, alias: str) -> None:
    assert kb.resolve_role(alias) == role_id
    assert kb.resolve_role(f"  {alias.upper()} ") == role_id
    assert kb.resolve_role(alias.title()) == role_id
    assert kb.resolve_role(f"{alias}, Cobol") == role_id
    assert kb.resolve_role(f"Cobol; {alias}") == role_id
    assert kb.map_job_role(alias, "sales" if ROLE_PACKS[role_id].technical else None) == role_id


@pytest.mark.parametrize("role_id", ROLE_TYPES)
def test_role_id_and_name_map_to_the_role(kb: KnowledgeBase, role_id: str) -> None:
    assert kb.resolve_role(role_id) == role_id
    assert kb.resolve_role(ROLE_PACKS[role_id].name) == role_id


@pytest.mark.parametrize(
    ("text", "role_id"),
    [
        ("React, TypeScript", "react"),
        ("TypeScript, React", "typescript"),
        ("Node.js / Express", "nodejs"),
        ("Express/Node.js", "nodejs"),
        ("Python + Django", "python"),
        ("Python+Django", "python"),
        ("Django & PostgreSQL", "python"),
        ("React Native", "mobile"),
        ("React Native, Redux", "mobile"),
        ("Ruby on Rails", "ruby"),
        ("Ruby on Rails, React", "ruby"),
        ("Senior Python Developer", "python"),
        ("Software Engineer (Python)", "python"),
        ("Java (Spring Boot), Kafka", "java"),
        ("Cobol; Go | Rust", "go"),
        ("C++, Go", "go"),
        ("C++ / C#", "csharp"),
        (".NET Core + Azure", "csharp"),
        ("Vue.js & Node.js", "javascript"),
        ("Next.js + Tailwind", "react"),
        ("Golang and Kubernetes", "go"),
        ("Kubernetes\nTerraform", "devops"),
        ("AWS/GCP", "devops"),
        ("UX/UI, Figma", "design"),
        ("Product Designer", "design"),
        ("Senior Product Manager", "product"),
        ("Customer Success Manager", "support"),
        ("Spark, Airflow", "data_engineering"),
        ("Lead Data Engineer - Spark", "data_engineering"),
        ("System Design, Java", "fullstack"),
        ("Sales and Marketing", "sales"),
        ("MERN stack", "fullstack"),
        ("Selenium with Java", "qa_automation"),
        ("Kotlin, Spring Boot", "mobile"),
    ],
)
def test_composite_stacks_map_to_first_recognised_part(
    kb: KnowledgeBase, text: str, role_id: str
) -> None:
    assert kb.resolve_role(text) == role_id


@pytest.mark.parametrize(
    ("text", "role_id"),
    [
        ("  NODE . JS ", "nodejs"),
        ("node js", "nodejs"),
        ("NodeJS", "nodejs"),
        ("c #", "csharp"),
        ("C#", "csharp"),
        (".Net", "csharp"),
        ("dot net", "csharp"),
        ("DOTNET", "csharp"),
        ("Asp.Net", "csharp"),
        ("Go-Lang", "go"),
        ("K8S", "devops"),
        ("Full-Stack", "fullstack"),
        ("ui / ux", "design"),
        ("UX-UI", "design"),
        ("Ruby-on-Rails", "ruby"),
        ("react.JS", "react"),
        ("TYPE SCRIPT", "typescript"),
        ("Java Script", "javascript"),
        ("java", "java"),
        ("CI/CD", "devops"),
        ("Help-Desk", "support"),
        ("Data_Engineering", "data_engineering"),
        ("QA_AUTOMATION", "qa_automation"),
    ],
)
def test_mapping_ignores_case_spacing_and_punctuation(
    kb: KnowledgeBase, text: str, role_id: str
) -> None:
    assert kb.resolve_role(text) == role_id


@pytest.mark.parametrize(
    "text", [None, "", "   ", ",,,", "!!!", "C++", "C", "Cobol", "foo bar baz", "Blockchain"]
)
def test_unknown_text_maps_to_no_role(kb: KnowledgeBase, text: str | None) -> None:
    assert kb.resolve_role(text) is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Node.JS", "nodejs"),
        (" node js ", "nodejs"),
        ("  NODE . JS ", "nodejs"),
        ("C#", "csharp"),
        ("c #", "csharp"),
        ("C++", "cplusplus"),
        ("C", "c"),
        (".NET", "dotnet"),
        ("dot net", "dotnet"),
        ("ASP.NET", "aspnet"),
        ("CI/CD", "cicd"),
        ("UX/UI", "uxui"),
        ("Full-Stack", "fullstack"),
        ("data_engineering", "dataengineering"),
        ("!!!", ""),
    ],
)
def test_normalize_term(text: str, key: str) -> None:
    assert normalize_term(text) == key


@pytest.mark.parametrize(("category", "role_id"), sorted(CATEGORY_ROLES.items()))
def test_role_category_is_the_fallback(kb: KnowledgeBase, category: str, role_id: str) -> None:
    assert kb.map_job_role(None, category) == role_id
    assert kb.map_job_role("", category) == role_id
    assert kb.map_job_role("Cobol, Fortran", category) == role_id
    assert kb.map_job_role(None, category.upper().replace("_", " ")) == role_id


def test_category_table_covers_every_job_category() -> None:
    assert set(CATEGORY_ROLES) == {
        "engineering", "quality_assurance", "data", "devops", "design", "product", "sales",
        "support", "operations", "management", "other",
    }  # fmt: skip
    assert set(CATEGORY_ROLES.values()) <= set(ROLE_TYPES)


@pytest.mark.parametrize(
    ("tech_stack", "category", "role_id"),
    [
        ("React", "sales", "react"),
        ("PostgreSQL", "engineering", "data_engineering"),
        ("Cobol", None, "fullstack"),
        ("C++", "engineering", "fullstack"),
        (None, None, "fullstack"),
        (None, "astrology", "fullstack"),
        ("   ", "", "fullstack"),
        ("Figma", "engineering", "design"),
    ],
)
def test_map_job_role(
    kb: KnowledgeBase, tech_stack: str | None, category: str | None, role_id: str
) -> None:
    assert kb.map_job_role(tech_stack, category) == role_id
