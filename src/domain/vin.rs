//! Vehicle identification numbers (ISO 3779). Position 9 is a check digit
//! computed from the other sixteen (the North American scheme, which Chinese
//! VINs follow as well, GB 16735).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VinError {
    Length(usize),
    ForbiddenLetter(char),
    BadCharacter(char),
    CheckDigit { expected: char, found: char },
}

impl fmt::Display for VinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VinError::Length(n) => write!(f, "a VIN has 17 characters, this has {n}"),
            VinError::ForbiddenLetter(c) => write!(f, "a VIN never contains the letter {c}"),
            VinError::BadCharacter(c) => write!(f, "'{c}' cannot appear in a VIN"),
            VinError::CheckDigit { expected, found } => {
                write!(
                    f,
                    "check digit (position 9) is {found}, should be {expected}"
                )
            }
        }
    }
}

const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

fn transliterate(c: char) -> Result<u32, VinError> {
    match c {
        '0'..='9' => Ok(c as u32 - '0' as u32),
        'I' | 'O' | 'Q' => Err(VinError::ForbiddenLetter(c)),
        'A'..='H' => Ok(c as u32 - 'A' as u32 + 1),
        'J'..='N' => Ok(c as u32 - 'J' as u32 + 1),
        'P' => Ok(7),
        'R' => Ok(9),
        'S'..='Z' => Ok(c as u32 - 'S' as u32 + 2),
        _ => Err(VinError::BadCharacter(c)),
    }
}

/// The check digit a 17-character VIN should carry at position 9.
pub fn check_digit(vin: &str) -> Result<char, VinError> {
    let chars: Vec<char> = vin.chars().collect();
    if chars.len() != 17 {
        return Err(VinError::Length(chars.len()));
    }
    let mut sum = 0;
    for (c, w) in chars.iter().zip(WEIGHTS) {
        sum += transliterate(*c)? * w;
    }
    Ok(match sum % 11 {
        10 => 'X',
        n => char::from_digit(n, 10).unwrap_or('0'),
    })
}

/// Validates an upper-cased VIN.
pub fn validate(vin: &str) -> Result<(), VinError> {
    let expected = check_digit(vin)?;
    let found = vin.chars().nth(8).unwrap_or(' ');
    if found == expected {
        Ok(())
    } else {
        Err(VinError::CheckDigit { expected, found })
    }
}

/// Puts the right check digit into position 9 (for demo data and tests).
pub fn with_check_digit(vin: &str) -> Result<String, VinError> {
    let digit = check_digit(vin)?;
    Ok(vin
        .chars()
        .enumerate()
        .map(|(i, c)| if i == 8 { digit } else { c })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_good_vin_passes() {
        // A widely published example VIN with a valid check digit.
        assert_eq!(validate("1M8GDM9AXKP042788"), Ok(()));
        assert_eq!(validate("11111111111111111"), Ok(()));
    }

    #[test]
    fn bad_vins_are_refused_with_reason() {
        assert_eq!(
            validate("1M8GDM9A1KP042788"),
            Err(VinError::CheckDigit {
                expected: 'X',
                found: '1'
            })
        );
        assert_eq!(validate("1M8GDM9AXKP04278"), Err(VinError::Length(16)));
        assert_eq!(
            validate("1M8GDM9AXKP0427O8"),
            Err(VinError::ForbiddenLetter('O'))
        );
    }

    #[test]
    fn with_check_digit_repairs_position_nine() {
        let fixed = with_check_digit("LSVAU2180N2123456").unwrap();
        assert_eq!(validate(&fixed), Ok(()));
    }
}
