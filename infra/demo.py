"""The demo agencies and users: a realistic Libyan set for `./mizan up`, the tests and the realm.

Defined once here; the Keycloak realm import and the agency seed are both made from it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.agencies import Agency
from core.vocabulary import AgencyKind, CourtLevel
from store.directory import Identity


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    agency: str
    first_name: str
    last_name: str
    national_id: str | None = None


DEMO_PASSWORD = "mizan"
#: the demo users' email addresses are in a domain reserved for examples (RFC 2606): mail to them goes to the
#: development sink, never out
DEMO_MAIL_DOMAIN = "mizan.example"


def demo_email(user: DemoUser) -> str:
    return f"{user.username}@{DEMO_MAIL_DOMAIN}"

AGENCIES: tuple[Agency, ...] = (
    Agency("moi", AgencyKind.ministry, "وزارة الداخلية", "Ministry of Interior", None, None),
    Agency("dir.tripoli", AgencyKind.directorate, "مديرية أمن طرابلس", "Tripoli Security Directorate", "moi", "tripoli"),
    Agency("station.tripoli.central", AgencyKind.police_station, "مركز شرطة طرابلس المركز", "Tripoli Central Police Station", "dir.tripoli", "tripoli"),
    Agency("station.tripoli.souq_aljuma", AgencyKind.police_station, "مركز شرطة سوق الجمعة", "Souq al-Juma Police Station", "dir.tripoli", "tripoli"),
    Agency("dir.benghazi", AgencyKind.directorate, "مديرية أمن بنغازي", "Benghazi Security Directorate", "moi", "benghazi"),
    Agency("station.benghazi.central", AgencyKind.police_station, "مركز شرطة بنغازي المركز", "Benghazi Central Police Station", "dir.benghazi", "benghazi"),
    Agency("station.benghazi.alberka", AgencyKind.police_station, "مركز شرطة البركة", "Al-Berka Police Station", "dir.benghazi", "benghazi"),
    Agency("cid", AgencyKind.cid, "جهاز المباحث الجنائية", "Criminal Investigation Department", "moi", None),
    # the prosecution's hierarchy: the Attorney General's office above the prosecution offices
    Agency("pros.ag", AgencyKind.prosecution_office, "مكتب النائب العام", "Attorney General's Office", None, None),
    Agency("pros.tripoli", AgencyKind.prosecution_office, "نيابة طرابلس الابتدائية", "Tripoli Prosecution Office", "pros.ag", "tripoli"),
    Agency("pros.benghazi", AgencyKind.prosecution_office, "نيابة بنغازي الابتدائية", "Benghazi Prosecution Office", "pros.ag", "benghazi"),
    # competent courts (core.vocabulary.CourtLevel): each court of appeal before the first-instance courts that
    # name it; its felony chamber (دائرة الجنايات, CCP Art. 331) is its own agency below it
    Agency("court.appeal.tripoli", AgencyKind.court, "محكمة استئناف طرابلس", "Tripoli Court of Appeal", None, "tripoli",
           CourtLevel.appeal),
    Agency("court.appeal.tripoli.felony", AgencyKind.court, "دائرة الجنايات بمحكمة استئناف طرابلس", "Tripoli Felony Chamber (Court of Appeal)", "court.appeal.tripoli", "tripoli",
           CourtLevel.felony_chamber),
    Agency("court.appeal.benghazi", AgencyKind.court, "محكمة استئناف بنغازي", "Benghazi Court of Appeal", None, "benghazi",
           CourtLevel.appeal),
    Agency("court.appeal.benghazi.felony", AgencyKind.court, "دائرة الجنايات بمحكمة استئناف بنغازي", "Benghazi Felony Chamber (Court of Appeal)", "court.appeal.benghazi", "benghazi",
           CourtLevel.felony_chamber),
    Agency("court.tripoli", AgencyKind.court, "محكمة طرابلس الابتدائية", "Tripoli Court of First Instance", None, "tripoli",
           CourtLevel.first_instance, appeals_to="court.appeal.tripoli"),
    Agency("court.benghazi", AgencyKind.court, "محكمة بنغازي الابتدائية", "Benghazi Court of First Instance", None, "benghazi",
           CourtLevel.first_instance, appeals_to="court.appeal.benghazi"),
    # the juvenile court (محكمة الأحداث) of a region tries an accused under 18 at the offence (core.juveniles); its
    # judgments are appealed to the region's court of appeal
    Agency("court.tripoli.juvenile", AgencyKind.court, "محكمة الأحداث بطرابلس", "Tripoli Juvenile Court", None,
           "tripoli", CourtLevel.juvenile, appeals_to="court.appeal.tripoli"),
    Agency("supreme_court", AgencyKind.supreme_court, "المحكمة العليا", "Supreme Court", None, None, CourtLevel.supreme),
    Agency("prison.aljdaida", AgencyKind.prison, "مؤسسة الإصلاح والتأهيل الجديدة", "Al-Jdaida Rehabilitation Institution", None, "tripoli"),
    # a second prison, so that a prisoner can be transferred (transfer_prisoner)
    Agency("prison.alkuwaifiya", AgencyKind.prison, "مؤسسة الإصلاح والتأهيل الكويفية", "Al-Kuwaifiya Rehabilitation Institution", None, "benghazi"),
    Agency("records", AgencyKind.records_office, "إدارة السجل الجنائي", "Criminal Records Department", "moi", None),
)

#: each agency's short Arabic code, as its registers write it before a case's serial and year (configurable per
#: agency in the agency tree: a case number reads "ش.ط.م 70/2026", its machine form stays in addresses)
SHORT_CODES = {
    "station.tripoli.central": "ش.ط.م", "station.tripoli.souq_aljuma": "ش.س.ج", "station.benghazi.central": "ش.ب.م",
    "station.benghazi.alberka": "ش.ب.ر", "cid": "م.ج", "pros.ag": "ن.ع", "pros.tripoli": "ن.ط", "pros.benghazi": "ن.ب",
    "court.appeal.tripoli": "س.ط", "court.appeal.tripoli.felony": "ج.ط", "court.appeal.benghazi": "س.ب",
    "court.appeal.benghazi.felony": "ج.ب", "court.tripoli": "م.ط", "court.benghazi": "م.ب", "supreme_court": "م.ع",
}
AGENCIES = tuple(replace(agency, short_code=SHORT_CODES.get(agency.code, "")) for agency in AGENCIES)

USERS: tuple[DemoUser, ...] = (
    DemoUser("officer.tripoli", "police_officer", "station.tripoli.central", "سالم", "الورفلي"),
    DemoUser("chief.tripoli", "station_chief", "station.tripoli.central", "خالد", "الترهوني"),
    DemoUser("officer.benghazi", "police_officer", "station.benghazi.central", "فرج", "العبيدي"),
    DemoUser("chief.benghazi", "station_chief", "station.benghazi.central", "عوض", "المغربي"),
    DemoUser("investigator", "investigator", "cid", "مفتاح", "الزوي"),
    DemoUser("prosecutor.tripoli", "prosecutor", "pros.tripoli", "نوري", "القماطي"),
    DemoUser("chiefpros.tripoli", "chief_prosecutor", "pros.tripoli", "عبد الحميد", "الصيد"),
    DemoUser("prosecutor.benghazi", "prosecutor", "pros.benghazi", "أسامة", "الفاخري"),
    DemoUser("chiefpros.benghazi", "chief_prosecutor", "pros.benghazi", "ميلاد", "الشريف"),
    DemoUser("attorney.general", "chief_prosecutor", "pros.ag", "الصديق", "الصور"),
    DemoUser("clerk.tripoli", "court_clerk", "court.tripoli", "هدى", "بن عمران"),
    DemoUser("judge.tripoli", "judge", "court.tripoli", "مصطفى", "الغرياني"),
    DemoUser("president.tripoli", "court_president", "court.tripoli", "عبد الرحمن", "أبوتوتة"),
    DemoUser("clerk.juvenile", "court_clerk", "court.tripoli.juvenile", "أسماء", "المقريف"),
    DemoUser("judge.juvenile", "judge", "court.tripoli.juvenile", "حسن", "الأطرش"),
    DemoUser("clerk.benghazi", "court_clerk", "court.benghazi", "فاطمة", "البرعصي"),
    DemoUser("judge.benghazi", "judge", "court.benghazi", "إبراهيم", "المسماري"),
    DemoUser("president.benghazi", "court_president", "court.benghazi", "صالح", "العريبي"),
    DemoUser("clerk.appeal", "court_clerk", "court.appeal.tripoli", "نجاة", "الكيلاني"),
    DemoUser("judge.appeal", "judge", "court.appeal.tripoli", "علي", "الهوني"),
    DemoUser("president.appeal", "court_president", "court.appeal.tripoli", "نصر الدين", "العاقل"),
    DemoUser("clerk.felony", "court_clerk", "court.appeal.tripoli.felony", "خديجة", "الفيتوري"),
    DemoUser("judge.felony", "judge", "court.appeal.tripoli.felony", "عبد السلام", "الطبولي"),
    DemoUser("president.felony", "court_president", "court.appeal.tripoli.felony", "الهادي", "الشتيوي"),
    DemoUser("clerk.appeal.benghazi", "court_clerk", "court.appeal.benghazi", "زينب", "الحاسي"),
    DemoUser("judge.appeal.benghazi", "judge", "court.appeal.benghazi", "يوسف", "الفرجاني"),
    DemoUser("president.appeal.benghazi", "court_president", "court.appeal.benghazi", "عبد الله", "الكزة"),
    DemoUser("clerk.felony.benghazi", "court_clerk", "court.appeal.benghazi.felony", "حواء", "العوامي"),
    DemoUser("judge.felony.benghazi", "judge", "court.appeal.benghazi.felony", "فتحي", "بوخمادة"),
    DemoUser("president.felony.benghazi", "court_president", "court.appeal.benghazi.felony", "مسعود", "الجهاني"),
    DemoUser("clerk.supreme", "court_clerk", "supreme_court", "سعاد", "المنتصر"),
    DemoUser("judge.supreme", "judge", "supreme_court", "محمد", "الحافي"),
    DemoUser("president.supreme", "court_president", "supreme_court", "عبد القادر", "البكوش"),
    DemoUser("warden", "prison_officer", "prison.aljdaida", "رمضان", "الككلي"),
    DemoUser("supervisor.tripoli", "supervisor", "dir.tripoli", "جمال", "بن نوبة"),
    DemoUser("supervisor", "supervisor", "moi", "عمر", "المختار"),
    DemoUser("auditor", "auditor", "moi", "ليلى", "السنوسي"),
    DemoUser("records", "records_officer", "records", "منى", "الزنتاني"),
    # a second records officer: leaving a finding off a certificate needs two (four eyes)
    DemoUser("records2", "records_officer", "records", "سعاد", "الباروني"),
    DemoUser("citizen1", "citizen", "", "أحمد", "المبروك", national_id="119850012345"),
    DemoUser("citizen2", "citizen", "", "مريم", "التاجوري", national_id="219920054321"),
    DemoUser("admin", "admin", "moi", "مدير", "النظام"),
)


def directory_identities() -> list[Identity]:
    """The demo users as the notification directory knows them (store.directory)."""
    return [Identity(username=u.username, display_name=f"{u.first_name} {u.last_name}", agency=u.agency,
                     roles=(u.role,), email=demo_email(u)) for u in USERS]
