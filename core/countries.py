"""Nationalities as ISO 3166-1 alpha-3 codes (a passport's machine-readable zone prints them so), with the
Arabic and English names of those most often met in Libyan files; any other code reads as itself."""

from __future__ import annotations

COUNTRY_CODES: frozenset[str] = frozenset("""
ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR BHR BHS BIH BLM
BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR
CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB
GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA
JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA
MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR
NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS
SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON
TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE XXA XXB XXC
""".split())

#: code → (Arabic, English), for the nationalities a Libyan file most often carries
COUNTRY_NAMES: dict[str, tuple[str, str]] = {
    "LBY": ("ليبيا", "Libya"), "EGY": ("مصر", "Egypt"), "TUN": ("تونس", "Tunisia"), "DZA": ("الجزائر", "Algeria"),
    "MAR": ("المغرب", "Morocco"), "SDN": ("السودان", "Sudan"), "TCD": ("تشاد", "Chad"), "NER": ("النيجر", "Niger"),
    "MLI": ("مالي", "Mali"), "NGA": ("نيجيريا", "Nigeria"), "GHA": ("غانا", "Ghana"), "ERI": ("إريتريا", "Eritrea"),
    "ETH": ("إثيوبيا", "Ethiopia"), "SOM": ("الصومال", "Somalia"), "SYR": ("سوريا", "Syria"),
    "PSE": ("فلسطين", "Palestine"), "JOR": ("الأردن", "Jordan"), "IRQ": ("العراق", "Iraq"), "YEM": ("اليمن", "Yemen"),
    "LBN": ("لبنان", "Lebanon"), "SAU": ("السعودية", "Saudi Arabia"), "TUR": ("تركيا", "Türkiye"),
    "PAK": ("باكستان", "Pakistan"), "BGD": ("بنغلاديش", "Bangladesh"), "IND": ("الهند", "India"),
    "PHL": ("الفلبين", "Philippines"), "CHN": ("الصين", "China"), "ITA": ("إيطاليا", "Italy"),
    "MLT": ("مالطا", "Malta"),
    "GBR": ("المملكة المتحدة", "United Kingdom"), "FRA": ("فرنسا", "France"), "DEU": ("ألمانيا", "Germany"),
    "USA": ("الولايات المتحدة", "United States"), "RUS": ("روسيا", "Russia"), "UKR": ("أوكرانيا", "Ukraine"),
    "SEN": ("السنغال", "Senegal"), "GMB": ("غامبيا", "Gambia"), "CMR": ("الكاميرون", "Cameroon"),
}


def country_name(code: str | None, language: str) -> str:
    if not code:
        return ""
    names = COUNTRY_NAMES.get(code)
    if names is None:
        return code
    return names[0] if language == "ar" else names[1]
