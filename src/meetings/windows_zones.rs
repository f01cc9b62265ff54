//! Windows time-zone names, as Outlook writes them in TZID, mapped to IANA zones (the
//! territory-001 entries of CLDR's windowsZones table, for the zones a coalition meets in).

const ZONES: &[(&str, &str)] = &[
    ("Dateline Standard Time", "Etc/GMT+12"),
    ("Hawaiian Standard Time", "Pacific/Honolulu"),
    ("Alaskan Standard Time", "America/Anchorage"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("Mountain Standard Time", "America/Denver"),
    ("Central Standard Time", "America/Chicago"),
    ("Eastern Standard Time", "America/New_York"),
    ("Atlantic Standard Time", "America/Halifax"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
    ("Argentina Standard Time", "America/Buenos_Aires"),
    ("UTC", "Etc/UTC"),
    ("Coordinated Universal Time", "Etc/UTC"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("Romance Standard Time", "Europe/Paris"),
    ("W. Central Africa Standard Time", "Africa/Lagos"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("Egypt Standard Time", "Africa/Cairo"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("Jordan Standard Time", "Asia/Amman"),
    ("Middle East Standard Time", "Asia/Beirut"),
    ("Syria Standard Time", "Asia/Damascus"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("Belarus Standard Time", "Europe/Minsk"),
    ("Arabic Standard Time", "Asia/Baghdad"),
    ("Arab Standard Time", "Asia/Riyadh"),
    ("E. Africa Standard Time", "Africa/Nairobi"),
    ("Iran Standard Time", "Asia/Tehran"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("Caucasus Standard Time", "Asia/Yerevan"),
    ("Afghanistan Standard Time", "Asia/Kabul"),
    ("Pakistan Standard Time", "Asia/Karachi"),
    ("India Standard Time", "Asia/Calcutta"),
    ("Nepal Standard Time", "Asia/Katmandu"),
    ("Bangladesh Standard Time", "Asia/Dhaka"),
    ("SE Asia Standard Time", "Asia/Bangkok"),
    ("China Standard Time", "Asia/Shanghai"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("W. Australia Standard Time", "Australia/Perth"),
    ("Taipei Standard Time", "Asia/Taipei"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
    ("Morocco Standard Time", "Africa/Casablanca"),
    ("Sri Lanka Standard Time", "Asia/Colombo"),
    ("Myanmar Standard Time", "Asia/Rangoon"),
    ("N. Central Asia Standard Time", "Asia/Novosibirsk"),
    ("Ekaterinburg Standard Time", "Asia/Yekaterinburg"),
    ("West Asia Standard Time", "Asia/Tashkent"),
    ("Central Asia Standard Time", "Asia/Almaty"),
    ("Georgian Standard Time", "Asia/Tbilisi"),
    ("Azerbaijan Standard Time", "Asia/Baku"),
    ("Kaliningrad Standard Time", "Europe/Kaliningrad"),
    ("Mexico Standard Time", "America/Mexico_City"),
    ("Central America Standard Time", "America/Guatemala"),
    ("Venezuela Standard Time", "America/Caracas"),
    ("Pacific SA Standard Time", "America/Santiago"),
];

/// The IANA zone of a TZID: an IANA name itself, a Windows name, or (as some exporters write)
/// an IANA name behind a prefix such as "/mozilla.org/20050126_1/Europe/Berlin".
pub fn resolve(tzid: &str) -> Option<chrono_tz::Tz> {
    let tzid = tzid.trim().trim_matches('"');
    if let Ok(tz) = tzid.parse::<chrono_tz::Tz>() {
        return Some(tz);
    }
    if let Some((_, iana)) = ZONES
        .iter()
        .find(|(windows, _)| windows.eq_ignore_ascii_case(tzid))
    {
        return iana.parse().ok();
    }
    // A path-like prefix before a real zone name.
    let parts: Vec<&str> = tzid.split('/').collect();
    (1..parts.len()).find_map(|i| parts[i..].join("/").parse().ok())
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn windows_iana_and_prefixed_names() {
        assert_eq!(
            resolve("W. Europe Standard Time").map(|t| t.name()),
            Some("Europe/Berlin")
        );
        assert_eq!(
            resolve("Romance Standard Time").map(|t| t.name()),
            Some("Europe/Paris")
        );
        assert_eq!(
            resolve("Europe/Vienna").map(|t| t.name()),
            Some("Europe/Vienna")
        );
        assert_eq!(
            resolve("/mozilla.org/20050126_1/Europe/Berlin").map(|t| t.name()),
            Some("Europe/Berlin")
        );
        assert_eq!(resolve("Mars Standard Time"), None);
    }
}
