"""The labelled set of `mizan bench names`: Libyan people as case files write them, and the spellings an
investigator types for them (Arabic variants, English and French Latin spellings, particles joined or apart,
typos), with hard negatives: other people whose names are close, filed in other cases.

Written by hand from common Libyan given and family names, not generated from core.name_dictionary: several
spellings and family names here are not in the dictionary on purpose (the report counts them apart), so that
the phonetic path is measured and not only the dictionary.

Kinds: `arabic` (hamza, ى/ي, ة/ه, spacing, the article), `latin_en`, `latin_fr`, `particle` (عبد، أبو، بو،
بن، ال joined or apart), `typo` (one letter off, in either script), `cross` (an Arabic spelling of a name the
file writes in Latin).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    key: str
    name: str  # as the case file writes it
    role: str = "accused"
    #: the key of a person whose case also names this one's: (two people in one file, for the ranking test)
    spellings: tuple[tuple[str, str], ...] = ()
    #: keys of other people with close names: none of them may come first for this one's spellings
    negatives: tuple[str, ...] = ()
    national_id: str | None = None
    also: tuple[str, ...] = field(default=())  # other parties' names in the same case


PEOPLE: tuple[Person, ...] = (
    # ---- the misses of issue 16
    Person("tarhouni", "مصطفى إبراهيم الترهوني", spellings=(
        ("latin_en", "Mustafa Ibrahim Altarhouni"), ("latin_en", "Mostafa Ibrahim Al-Tarhuni"),
        ("latin_fr", "Moustapha Brahim Tarhouni"), ("arabic", "مصطفي ابراهيم الترهوني"),
        ("arabic", "مصطفى إبراهيم ترهوني"), ("typo", "Mustafa Ibrahim Altarhoni"),
        ("typo", "مصطفى ابرهيم الترهوني"), ("latin_en", "Mustapha Ebrahim Terhouni"))),
    Person("magariaf", "عبدالرحمن يوسف المقريف", spellings=(
        ("latin_en", "Abdulrahman Youssef Almagariaf"), ("latin_en", "Abdul Rahman Yusuf Al-Magariaf"),
        ("latin_fr", "Abderrahmane Youcef Megarief"), ("particle", "عبد الرحمن يوسف المقريف"),
        ("arabic", "عبدالرحمن يوسف مقريف"), ("typo", "Abdulrahman Yousef Almagarief"),
        ("latin_en", "Abd al-Rahman Yousif Maqarief"), ("typo", "عبدالرحمن يوسف المقريق"))),
    Person("kikli", "هدى موسى الككلي", role="victim", spellings=(
        ("latin_en", "Huda Mousa Alkikli"), ("latin_en", "Houda Musa Al-Kikli"), ("latin_fr", "Houda Moussa Kekli"),
        ("arabic", "هدي موسي الككلي"), ("arabic", "هدى موسى ككلي"), ("typo", "Huda Mousa Alkikly"),
        ("latin_en", "Hoda Moosa Elkikli"), ("particle", "هدى موسى ال ككلي"))),
    Person("taher", "خالد مفتاح الطاهر", spellings=(
        ("latin_en", "Khaled Muftah Altaher"), ("latin_en", "Khalid Miftah Al-Tahir"),
        ("latin_fr", "Khaled Meftah Ettaher"), ("arabic", "خالد مفتاح طاهر"), ("typo", "Khaled Muftah Altaer"), ("particle", "خالد مفتاح ال طاهر"),
        ("typo", "خالد مفتاع الطاهر"), ("latin_en", "Xaled Muftah Taher"), ("particle", "Khaled Muftah Al Taher"))),
    Person("khamada", "سالم عمر بوخمادة", spellings=(
        ("particle", "سالم عمر بو خمادة"), ("particle", "سالم عمر أبو خمادة"), ("arabic", "سالم عمر بوخماده"),
        ("latin_en", "Salem Omar Bukhamada"), ("latin_fr", "Salem Omar Boukhamada"),
        ("particle", "Salem Omar Bou Khamada"), ("typo", "Salem Omar Bukhamda"), ("particle", "سالم عمر ابوخمادة"))),
    Person("abubakr", "أبوبكر علي الهوني", spellings=(
        ("particle", "أبو بكر علي الهوني"), ("particle", "ابو بكر علي الهوني"), ("particle", "بوبكر علي الهوني"),
        ("latin_en", "Abubakr Ali Alhouni"), ("latin_en", "Abu Bakr Ali Al-Houni"), ("latin_fr", "Boubaker Ali Houni"),
        ("typo", "Abubaker Aly Elhouni"), ("arabic", "ابوبكر على الهونى"))),
    Person("warfalli", "أحمد محمد الورفلي", spellings=(
        ("arabic", "احمد الورفلى"), ("arabic", "أحمد محمد ورفلي"), ("latin_en", "Ahmed Mohamed Al-Warfalli"),
        ("latin_en", "Ahmad Muhammad Werfalli"), ("latin_fr", "Ahmed Mohamed Ouerfelli"),
        ("typo", "Ahmed Mohamed Warfali"), ("arabic", "احمد محمد الورفلي"), ("latin_en", "Ahmed Warfalli"), ("particle", "أحمد محمد ال ورفلي")),
        negatives=("warfalli_spread", "mahmoud_warfalli")),
    Person("warfalli_spread", "أحمد خليفة المسماري", role="complainant", also=("سالم عمران الورفلي",)),
    Person("mahmoud_warfalli", "محمود محمد الورفلي", spellings=(
        ("latin_en", "Mahmoud Mohamed Warfalli"), ("latin_en", "Mahmud Muhammad Al-Warfalli"),
        ("arabic", "محمود محمد الورفلى"), ("latin_fr", "Mahmoud Mohamed Ouerfelli"))),
    # ---- names, particles and hard negatives
    Person("salem_warfalli", "محمد سالم الورفلي", national_id="119870023456", spellings=(
        ("latin_en", "Mohamed Salem Alwarfalli"), ("latin_en", "Mohammed Salem Warfalli"),
        ("latin_fr", "Mohamed Salem Ouerfelli"), ("arabic", "محمد سالم ورفلي"), ("typo", "Mohmed Salem Warfalli"),
        ("typo", "محمد سالن الورفلي"), ("latin_en", "Muhammad Saleem Al Warfalli")), negatives=("mahmoud_salem",)),
    Person("mahmoud_salem", "محمود سالم الورفلي", spellings=(
        ("latin_en", "Mahmoud Salem Alwarfalli"), ("latin_en", "Mahmood Salem Warfalli"),
        ("arabic", "محمود سالم ورفلي"), ("latin_fr", "Mahmoud Salem Ouerfelli")), negatives=("salem_warfalli",)),
    Person("jamal_zawi", "جمال علي الزوي", spellings=(
        ("latin_en", "Jamal Ali Alzawi"), ("latin_en", "Gamal Aly Al-Zway"), ("latin_fr", "Djamel Ali Zoui"),
        ("arabic", "جمال على الزوى"), ("particle", "جمال علي الزاوي"), ("typo", "Jamal Ali Azzawi"),
        ("latin_en", "Jamal Ali Zuwai")), negatives=("kamal_zawi",)),
    Person("kamal_zawi", "كمال علي الزوي", spellings=(
        ("latin_en", "Kamal Ali Alzawi"), ("latin_fr", "Kamel Ali Zoui"), ("arabic", "كمال على الزوي"),
        ("latin_en", "Kemal Aly Zway")), negatives=("jamal_zawi",)),
    Person("hassan_obeidi", "حسن فرج العبيدي", spellings=(
        ("latin_en", "Hassan Faraj Al-Obeidi"), ("latin_en", "Hasan Farag Obaidi"), ("latin_fr", "Hacene Faredj Abidi"),
        ("arabic", "حسن فرج عبيدي"), ("typo", "Hassan Faraj Alobeid"), ("latin_en", "Hassan Faraj Ubaydi")),
        negatives=("hussein_obeidi",)),
    Person("hussein_obeidi", "حسين فرج العبيدي", spellings=(
        ("latin_en", "Hussein Faraj Al-Obeidi"), ("latin_en", "Husain Farag Obaidi"), ("latin_fr", "Houcine Faredj Abidi"),
        ("arabic", "حسين فرج العبيدى"), ("typo", "Husein Faraj Obeidi")), negatives=("hassan_obeidi",)),
    Person("fatima_kikli", "فاطمة علي الككلي", role="witness", spellings=(
        ("latin_en", "Fatima Ali Alkikli"), ("latin_fr", "Fatma Ali Kekli"), ("arabic", "فاطمه علي الككلي"),
        ("typo", "Fatima Ali Kikli"), ("latin_en", "Fatimah Aly Al-Kikli")), negatives=("fatima_kilani",)),
    Person("fatima_kilani", "فاطمة علي الكيلاني", role="witness", spellings=(
        ("latin_en", "Fatima Ali Alkilani"), ("latin_fr", "Fatma Ali Kilani"), ("arabic", "فاطمه على الكيلانى")),
        negatives=("fatima_kikli",)),
    Person("omar_maghrebi", "عمر سعيد المغربي", spellings=(
        ("latin_en", "Omar Said Almaghrebi"), ("latin_en", "Umar Saeed Al-Maghribi"), ("latin_fr", "Omar Said Meghrebi"),
        ("arabic", "عمر سعيد مغربي"), ("typo", "Omar Said Almagrebi")), negatives=("omran_maghrebi",)),
    Person("omran_maghrebi", "عمران سعيد المغربي", spellings=(
        ("latin_en", "Omran Said Almaghrebi"), ("latin_en", "Imran Saeed Al-Maghribi"), ("arabic", "عمران سعيد مغربي")),
        negatives=("omar_maghrebi",)),
    Person("youssef_sharif", "يوسف أحمد الشريف", spellings=(
        ("latin_en", "Youssef Ahmed Alsharif"), ("latin_en", "Yusuf Ahmad Al-Sharif"), ("latin_fr", "Youcef Ahmed Cherif"),
        ("arabic", "يوسف احمد الشريف"), ("typo", "Yousef Ahmed Sharef"), ("latin_en", "Yousif Ahmed Shareef")),
        negatives=("younes_sharif",)),
    Person("younes_sharif", "يونس أحمد الشريف", spellings=(
        ("latin_en", "Younes Ahmed Alsharif"), ("latin_en", "Yunus Ahmad Sharif"), ("latin_fr", "Younes Ahmed Chrif"),
        ("arabic", "يونس احمد الشريف")), negatives=("youssef_sharif",)),
    Person("souad_fakhri", "سعاد محمد الفاخري", role="victim", spellings=(
        ("latin_en", "Souad Mohamed Alfakhri"), ("latin_en", "Suad Muhammad Al-Fakhry"), ("arabic", "سعاد محمد فاخري"),
        ("latin_fr", "Souad Mohamed Fekhri"), ("typo", "Suaad Mohamed Fakhri"))),
    Person("abdallah_senussi", "عبد الله رمضان السنوسي", spellings=(
        ("particle", "عبدالله رمضان السنوسي"), ("latin_en", "Abdullah Ramadan Al-Senussi"),
        ("latin_en", "Abdallah Ramadhan Sanusi"), ("latin_fr", "Abdellah Ramdane Snoussi"),
        ("arabic", "عبدالله رمضان سنوسي"), ("typo", "Abdulla Ramadan Senusi"), ("particle", "Abd Allah Ramadan Senussi"),
        ("particle", "Abdul Lah Ramadan Assenussi"), ("typo", "عبد اللة رمضان السنوسي"))),
    Person("ben_omran", "نوري خليفة بن عمران", spellings=(
        ("particle", "نوري خليفة بنعمران"), ("particle", "نوري خليفة ابن عمران"), ("latin_en", "Nuri Khalifa Ben Omran"),
        ("latin_en", "Nouri Khalifa Benomran"), ("particle", "Nuri Khalifa Ibn Omran"), ("latin_fr", "Nouri Khelifa Ben Amran"),
        ("typo", "Nuri Kalifa Ben Omran"), ("particle", "Nuri Khalifa Bin-Omran"))),
    Person("abdelkader_gamati", "عبد القادر ميلاد القماطي", spellings=(
        ("latin_en", "Abdelkader Milad Algamati"), ("latin_en", "Abdulqadir Meelad Al-Qamati"),
        ("latin_fr", "Abdelkader Miloud Guemati"), ("particle", "عبدالقادر ميلاد القماطي"),
        ("arabic", "عبد القادر ميلاد قماطي"), ("typo", "Abdelkader Milad Gamaty"),
        ("particle", "Abdel Kader Milad El Gamati"), ("typo", "عبد القادر ميلاد القماتي"))),
    Person("aisha_gaddafi", "عائشة فرج القذافي", role="complainant", spellings=(
        ("latin_en", "Aisha Faraj Gaddafi"), ("latin_en", "Ayesha Farag Al-Qadhafi"), ("latin_fr", "Aicha Faredj Kadhafi"),
        ("arabic", "عايشة فرج القذافي"), ("typo", "Aisha Faraj Gadafi"), ("latin_en", "Aisha Faraj Qathafi"))),
    Person("najat_sharif", "نجاة سالم الشريف", role="witness", spellings=(
        ("latin_en", "Najat Salem Alsharif"), ("latin_en", "Nagat Salim Sharif"), ("latin_fr", "Nadjat Salem Cherif"),
        ("arabic", "نجاه سالم الشريف"), ("typo", "Najet Salem Alshareef"))),
    Person("osama_bargathi", "أسامة رمضان البرغثي", spellings=(
        ("latin_en", "Osama Ramadan Albarghathi"), ("latin_en", "Usama Ramadhan Bargathi"),
        ("latin_fr", "Oussama Ramdane Barghati"), ("arabic", "اسامة رمضان البرغثي"), ("arabic", "أسامه رمضان برغثي"),
        ("typo", "Osama Ramadan Albarghthi"))),
    Person("ezzedin_tajouri", "عز الدين فتحي التاجوري", spellings=(
        ("particle", "عزالدين فتحي التاجوري"), ("latin_en", "Ezzedin Fathi Altajouri"),
        ("latin_en", "Izz al-Din Fathi Tajuri"), ("latin_fr", "Ezzeddine Fethi Tadjouri"),
        ("typo", "Ezzedine Fathi Tajori"), ("arabic", "عز الدين فتحى تاجوري"))),
    Person("mabrouka_dabashi", "مبروكة عياد الدباشي", role="victim", spellings=(
        ("latin_en", "Mabrouka Ayad Aldabashi"), ("latin_fr", "Mbarka Ayyad Debbachi"), ("arabic", "مبروكه عياد الدباشي"),
        ("latin_en", "Mabruka Aiad Dbashi"), ("typo", "Mabrouka Ayad Dabashy"))),
    Person("idris_zintani", "إدريس سليمان الزنتاني", spellings=(
        ("latin_en", "Idris Suleiman Alzintani"), ("latin_en", "Idriss Sulaiman Zentani"),
        ("latin_fr", "Driss Slimane Zintani"), ("arabic", "ادريس سليمان الزنتانى"), ("typo", "Idris Suliman Zintany"))),
    Person("rajab_shalmani", "رجب إسماعيل الشلماني", spellings=(
        ("latin_en", "Rajab Ismail Alshalmani"), ("latin_en", "Ragab Esmail Shalmani"),
        ("latin_fr", "Radjab Smail Chelmani"), ("arabic", "رجب اسماعيل شلماني"), ("typo", "Rajab Ismael Shelmany"))),
    # ---- family names outside the dictionary: only the phonetic path finds them across scripts
    Person("ghwell", "زبير منصور الغويل", spellings=(
        ("latin_en", "Zubeir Mansour Alghwell"), ("latin_en", "Zubair Mansur Ghwail"), ("latin_fr", "Zoubeir Mansour Ghouil"),
        ("arabic", "زبير منصور غويل"), ("typo", "Zubeir Mansour Ghwel"))),
    Person("ghnaiwa", "سفيان عاشور غنيوة", spellings=(
        ("latin_en", "Sufyan Ashour Ghnaiwa"), ("latin_en", "Sufian Ashur Ghneiwa"), ("latin_fr", "Soufiane Achour Ghnaoua"),
        ("arabic", "سفيان عاشور غنيوه"), ("typo", "Sufyan Ashour Ghnaiwah"))),
    Person("qatani", "بسمة حامد القطعاني", role="witness", spellings=(
        ("latin_en", "Basma Hamed Algatani"), ("latin_en", "Basmah Hamid Al-Qatani"), ("latin_fr", "Basma Hamed Gataani"),
        ("arabic", "بسمه حامد القطعانى"), ("typo", "Basma Hamed Qatany"))),
    Person("dursi", "تهاني صالح الدرسي", role="victim", spellings=(
        ("latin_en", "Tahani Saleh Aldursi"), ("latin_en", "Tahany Salih Al-Darsi"), ("latin_fr", "Tahani Salah Dersi"),
        ("arabic", "تهانى صالح درسي"), ("typo", "Tahani Saleh Aldorsi"))),
    Person("jerbi_latin", "Walid Abdelhamid Ajaj", role="suspect", spellings=(
        ("cross", "وليد عبد الحميد عجاج"), ("cross", "وليد عبدالحميد العجاج"), ("cross", "وليد عبد الحميد العجّاج"), ("latin_en", "Waleed Abdulhamid Ajaj"),
        ("latin_fr", "Oualid Abdelhamid Ajej"), ("typo", "Walid Abdelhamid Ajaaj"))),
    Person("passport_latin", "Mohamed Abdallah Elkoni", role="suspect", spellings=(
        ("cross", "محمد عبد الله الكوني"), ("cross", "محمد عبدالله كوني"), ("cross", "محمد عبدالله الكونى"), ("latin_en", "Muhammad Abdullah Al-Kouni"),
        ("latin_fr", "Mohamed Abdellah Kouni"), ("typo", "Mohamed Abdallah Elkuni"))),
    Person("huda_latin", "Houda Ibrahim Souihli", role="victim", spellings=(
        ("cross", "هدى إبراهيم السويحلي"), ("cross", "هدى ابراهيم سويحلي"), ("cross", "هدي إبراهيم السويحلى"), ("latin_en", "Huda Ibrahim Al-Swehli"),
        ("latin_en", "Hoda Ebrahim Swaihli"), ("typo", "Houda Ibrahim Souihly"))),
    Person("milad_awjali", "ميلاد حمزة الأوجلي", spellings=(
        ("latin_en", "Milad Hamza Alawjali"), ("latin_en", "Meelad Hamzah Aujali"), ("latin_fr", "Miloud Hamza Oujali"),
        ("arabic", "ميلاد حمزه الاوجلي"), ("typo", "Milad Hamza Awjaly"))),
    Person("ramadan_bushnaf", "رمضان مسعود بوشناف", spellings=(
        ("particle", "رمضان مسعود بو شناف"), ("latin_en", "Ramadan Masoud Bushnaf"), ("latin_fr", "Ramdane Messaoud Bouchnaf"),
        ("particle", "Ramadan Masoud Bu Shnaf"), ("arabic", "رمضان مسعود ابوشناف"), ("typo", "Ramadan Masud Bushnaaf"))),
    Person("abdelsalam_misrati", "عبد السلام خليفة المصراتي", spellings=(
        ("particle", "عبدالسلام خليفة المصراتي"), ("latin_en", "Abdulsalam Khalifa Almisrati"),
        ("latin_en", "Abdel Salam Khalifah Al-Misurati"), ("latin_fr", "Abdessalem Khelifa Mesrati"),
        ("arabic", "عبد السلام خليفه مصراتي"), ("typo", "Abdelsalam Kalifa Misrati"),
        ("particle", "Abd Assalam Khalifa Misrati"))),
    Person("abulqasim_fitouri", "أبو القاسم عمر الفيتوري", spellings=(
        ("particle", "ابوالقاسم عمر الفيتوري"), ("particle", "بو القاسم عمر الفيتوري"),
        ("latin_en", "Abulqasim Omar Alfitouri"), ("latin_en", "Abu Al-Qasim Umar Fituri"),
        ("latin_fr", "Aboulkacem Omar Fitouri"), ("arabic", "أبو القاسم عمر فيتوري"), ("typo", "Abulqasem Omar Fitori"))),
    Person("zainab_agouri", "زينب حسين العقوري", role="victim", spellings=(
        ("latin_en", "Zainab Hussein Alagouri"), ("latin_en", "Zaynab Husain Al-Aguri"), ("latin_fr", "Zineb Houcine Agouri"),
        ("arabic", "زينب حسين عقوري"), ("typo", "Zainab Hussein Agoury"), ("latin_en", "Zeinab Hussain Aqouri"))),
    Person("tarek_jehani", "طارق عادل الجهاني", spellings=(
        ("latin_en", "Tarek Adel Aljehani"), ("latin_en", "Tariq Adil Al-Juhani"), ("latin_fr", "Tarak Adel Jehani"),
        ("arabic", "طارق عادل جهاني"), ("typo", "Tarek Adel Jehany"), ("latin_en", "Tareq Aadel Jahani"))),
    Person("mariam_kabti", "مريم جمعة الكبتي", role="witness", spellings=(
        ("latin_en", "Maryam Juma Alkabti"), ("latin_en", "Mariam Jumaa Al-Kebti"), ("latin_fr", "Meriem Djemaa Kebti"),
        ("arabic", "مريم جمعه الكبتى"), ("typo", "Maryam Guma Kabty"), ("latin_en", "Miriam Gomaa Kabti"))),
    Person("hamza_barasi", "حمزة نبيل البرعصي", spellings=(
        ("latin_en", "Hamza Nabil Albaraasi"), ("latin_en", "Hamzah Nabeel Al-Barasi"), ("latin_fr", "Hamza Nabil Baraassi"),
        ("arabic", "حمزه نبيل البرعصى"), ("typo", "Hamza Nabil Barassi"))),
    Person("ali_bouzid", "علي مختار بوزيد", spellings=(
        ("particle", "علي مختار بو زيد"), ("particle", "علي مختار أبو زيد"), ("latin_en", "Ali Mukhtar Buzaid"),
        ("latin_fr", "Ali Mokhtar Bouzid"), ("particle", "Ali Mukhtar Abu Zaid"), ("typo", "Aly Mokhtar Bouzeid"))),
    Person("khadija_gheriani", "خديجة توفيق الغرياني", role="complainant", spellings=(
        ("latin_en", "Khadija Tawfik Alghariani"), ("latin_en", "Khadeeja Tawfiq Al-Gharyani"),
        ("latin_fr", "Khadidja Toufik Gheriani"), ("arabic", "خديجه توفيق غرياني"), ("typo", "Kadija Tawfik Ghariany"))),
    Person("ismail_saadi", "إسماعيل معمر الساعدي", spellings=(
        ("latin_en", "Ismail Muammar Alsaadi"), ("latin_en", "Esmail Moammar Al-Saidi"), ("latin_fr", "Smail Mouammar Essaadi"),
        ("arabic", "اسماعيل معمر ساعدي"), ("typo", "Ismail Muamar Saady"))),
    Person("salha_latin", "Salha Mohamed Zlitni", role="victim", spellings=(
        ("cross", "صالحة محمد الزليتني"), ("cross", "صالحه محمد زليتني"), ("cross", "صالحة محمد زليطني"), ("latin_en", "Salha Muhammad Al-Zliteni"),
        ("latin_fr", "Salha Mohamed Zletni"), ("typo", "Salha Mohamed Zlitny"))),
    Person("anwar_muntasser", "أنور عبد الباسط المنتصر", spellings=(
        ("particle", "أنور عبدالباسط المنتصر"), ("latin_en", "Anwar Abdulbasit Almuntasser"),
        ("latin_en", "Anwar Abdel Baset Al-Montasser"), ("latin_fr", "Anouar Abdelbasset Montaser"),
        ("arabic", "انور عبد الباسط منتصر"), ("typo", "Anwar Abdelbaset Muntaser"))),
    Person("faisal_dghais", "فيصل رضا دغيس", spellings=(
        ("latin_en", "Faisal Rida Dghais"), ("latin_en", "Faysal Reda Daghis"), ("latin_fr", "Faycal Redha Deghis"),
        ("arabic", "فيصل رضا الدغيس"), ("typo", "Faisal Rida Dghays"))),
)

#: distractors filed beside the labelled people (cases of their own), from the same pools of names
DISTRACTOR_GIVEN = ("أحمد", "محمد", "علي", "عمر", "خالد", "سالم", "فرج", "مفتاح", "إبراهيم", "يوسف", "مصطفى",
                    "عبدالله", "عبد الرحمن", "حسن", "حسين", "رمضان", "نوري", "جمعة", "عادل", "طارق", "هدى",
                    "فاطمة", "عائشة", "مريم", "خديجة", "سعاد", "نجاة", "منى", "زينب", "آمنة")
DISTRACTOR_FAMILY = ("الورفلي", "الترهوني", "العبيدي", "المغربي", "الزوي", "القماطي", "الفاخري", "الشريف",
                     "السنوسي", "الككلي", "المقريف", "الطاهر", "الهوني", "المسماري", "البرعصي", "الغرياني",
                     "الزنتاني", "التاجوري", "المصراتي", "الفيتوري", "العقوري", "الجهاني", "الدباشي", "الكبتي",
                     "بن علي", "بوزيد", "الشلماني", "الساعدي", "المنتصر", "الأوجلي")


def pairs() -> list[tuple[str, str, str]]:
    """(person key, kind, typed) for every spelling of the set."""
    return [(person.key, kind, typed) for person in PEOPLE for kind, typed in person.spellings]
