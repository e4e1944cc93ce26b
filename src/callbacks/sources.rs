//! Where callbacks may come from: address ranges (bunq's production range by default).

use std::net::IpAddr;

/// bunq's published source range for production callbacks.
pub const BUNQ_PRODUCTION_RANGE: &str = "185.40.108.0/22";

/// A list of address ranges (CIDR).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceRanges(Vec<(IpAddr, u8)>);

impl SourceRanges {
    /// bunq's production range.
    pub fn bunq_production() -> Self {
        Self::parse([BUNQ_PRODUCTION_RANGE]).expect("the built-in range parses")
    }

    /// Ranges like `185.40.108.0/22`, `2001:db8::/32` or single addresses (`127.0.0.1`).
    pub fn parse<'a>(ranges: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut parsed = Vec::new();
        for range in ranges {
            let (address, bits) = range.split_once('/').unwrap_or((range, ""));
            let address: IpAddr = address.trim().parse().map_err(|_| format!("{range:?} is not an address range"))?;
            let max = if address.is_ipv4() { 32 } else { 128 };
            let bits = match bits.trim() {
                "" => max,
                text => text.parse().ok().filter(|b| *b <= max).ok_or(format!("{range:?} has a bad prefix length"))?,
            };
            parsed.push((address, bits));
        }
        Ok(Self(parsed))
    }

    /// Whether `ip` lies in one of the ranges (an IPv4 address in IPv6 form counts as IPv4).
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.0.iter().any(|&(network, bits)| match (network, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix(u128::from(u32::from(n)), u128::from(u32::from(a)), bits, 32),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix(u128::from(n), u128::from(a), bits, 128),
            _ => false,
        })
    }
}

/// Whether the first `bits` of two `width`-bit numbers agree.
fn prefix(network: u128, address: u128, bits: u8, width: u32) -> bool {
    let bits = u32::from(bits);
    bits == 0 || (network >> (width - bits)) == (address >> (width - bits))
}
