//! Reading pyproject.toml layouts: PEP 621 + PEP 735 and Poetry.

use std::path::Path;

use pinctl::project::{Layout, Scope, read_project};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn reqs<'a>(deps: impl IntoIterator<Item = &'a pinctl::project::Dependency>) -> Vec<String> {
    deps.into_iter()
        .map(|d| d.requirement.to_string())
        .collect()
}

#[test]
fn corpus_webapp() {
    let p = read_project(&fixture("corpus/webapp")).unwrap();
    assert_eq!(p.layout, Layout::Pep621);
    assert_eq!(p.name.unwrap().as_ref(), "webapp");
    assert_eq!(p.requires_python.unwrap().to_string(), ">=3.10");
    assert_eq!(
        reqs(&p.dependencies),
        [
            "django>=4.2,<6",
            "celery[redis]>=5.3",
            "psycopg[binary]>=3.1",
            "gunicorn>=21",
            "structlog>=24",
            "requests>=2.31",
            "boto3>=1.34",
            "pydantic>=2.5"
        ]
    );
    let dev = &p.groups[&pinctl::project::GroupName::new("dev")];
    assert_eq!(dev.len(), 6);
    assert!(
        dev.iter()
            .all(|d| d.scope == Scope::Group(pinctl::project::GroupName::new("dev")))
    );
}
