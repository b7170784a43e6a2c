//! Licence plates are typed many ways: `粤a 12345`, `粤A·12345`, `粤A12345`.
//! They are compared in one normal form.

/// Upper case, with spaces, dots, middle dots and dashes removed. Chinese
/// province prefixes (粤, 京, …) pass through unchanged.
pub fn normalize_plate(raw: &str) -> String {
    raw.chars()
        .filter(|c| !matches!(c, ' ' | '.' | '·' | '•' | '-' | '\u{3000}'))
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_spacing_dots_and_case() {
        assert_eq!(normalize_plate("粤a·123 45"), "粤A12345");
        assert_eq!(normalize_plate("1234-kLm"), "1234KLM");
        assert_eq!(normalize_plate(" 京B.8K8K8 "), "京B8K8K8");
    }
}
