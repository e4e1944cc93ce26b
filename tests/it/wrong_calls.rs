//! The wrong calls in `tests/ui` (checked not to compile by rustdoc, src/wrong_calls.rs) are each
//! `correct_call.rs`, which compiles, with exactly one line changed or left out: so the one thing
//! that can keep a case from compiling is its mistake. (Stable rustdoc does not check the error
//! code a `compile_fail` test names; this does the job it cannot.)

use std::path::PathBuf;

fn code_lines(name: &str) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ui").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().filter(|l| !l.trim_start().starts_with("//")).map(str::to_owned).collect()
}

/// Whether `case` is `correct` with exactly one line replaced or removed.
fn one_mistake(correct: &[String], case: &[String]) -> bool {
    let first = correct.iter().zip(case).position(|(a, b)| a != b).unwrap_or(case.len());
    if case.len() == correct.len() {
        first < case.len() && correct[first + 1..] == case[first + 1..]
    } else {
        case.len() + 1 == correct.len() && correct[first + 1..] == case[first..]
    }
}

#[test]
fn each_wrong_call_is_the_correct_one_with_one_mistake() {
    let correct = code_lines("correct_call.rs");
    let source = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/wrong_calls.rs")).unwrap();
    let cases: Vec<&str> = source
        .split("include_str!(\"../tests/ui/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|name| *name != "correct_call.rs")
        .collect();
    assert_eq!(cases.len(), 8, "{cases:?}");
    for case in cases {
        assert!(one_mistake(&correct, &code_lines(case)), "{case} is not correct_call.rs with one line changed");
    }
}

#[test]
fn the_rule_tells_one_mistake_from_more() {
    let lines = |text: &str| text.split(' ').map(str::to_owned).collect::<Vec<_>>();
    let correct = lines("a b c d");
    assert!(one_mistake(&correct, &lines("a x c d")));
    assert!(one_mistake(&correct, &lines("a b d")));
    assert!(one_mistake(&correct, &lines("a b c")));
    assert!(!one_mistake(&correct, &lines("a b c d")), "no mistake at all");
    assert!(!one_mistake(&correct, &lines("a x y d")));
    assert!(!one_mistake(&correct, &lines("a c")));
    assert!(!one_mistake(&correct, &lines("x b c e")));
}
