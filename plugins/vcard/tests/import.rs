//! Importing the files that Outlook, Google, Apple, Android, Evolution and Thunderbird write.

mod common;

use cardbase_plugin_sdk::Importer;
use cardbase_plugin_vcard::VcardImporter;
use common::*;

#[test]
fn outlook_2003_quoted_printable_windows_1251_with_soft_breaks_and_photo() {
    let entries = read("outlook2003.vcf");
    assert_eq!(entries.len(), 2);
    let olga = &entries[0];
    assert_eq!(olga.line, 1);
    assert_eq!(text(olga, "first_name"), Some("Ольга"));
    assert_eq!(text(olga, "last_name"), Some("Кузнецова"));
    assert_eq!(text(olga, "middle_name"), Some("Викторовна"));
    assert_eq!(text(olga, "full_name"), Some("Ольга Викторовна Кузнецова"));
    assert_eq!(text(olga, "nickname"), Some("Оля"));
    assert_eq!(organization(olga), Some("ООО \"Северный ветер\""));
    assert_eq!(text(olga, "department"), Some("Отдел закупок"));
    assert_eq!(text(olga, "job_title"), Some("Главный бухгалтер"));
    assert_eq!(
        text(olga, "notes"),
        Some("Познакомились на выставке в Казани.\nПредпочитает звонки после обеда, по пятницам не беспокоить.")
    );
    assert_eq!(
        items(olga, "phones"),
        [
            ("work", "+7 (495) 555-01-23"),
            ("home", "+7 (495) 555-44-10"),
            ("mobile", "+7 916 555-12-34"),
            ("fax", "+7 (495) 555-01-24"),
        ]
    );
    assert_eq!(
        addresses(olga),
        [address(
            "work",
            "ул. Садовая, д. 12, оф. 305",
            "Москва",
            "",
            "101000",
            "Россия"
        )]
    );
    assert_eq!(items(olga, "urls"), [("work", "http://www.severny-veter.example.ru")]);
    assert_eq!(
        items(olga, "emails"),
        [("other", "kuznetsova@severny-veter.example.ru")]
    );
    assert_eq!(date(olga, "birthday"), ymd(Some(1975), 2, 14));
    assert_photo(olga, "image/jpeg", 313);

    let arthur = &entries[1];
    assert_eq!(arthur.line, 38);
    assert_eq!(text(arthur, "prefix"), Some("Mr."));
    assert_eq!(text(arthur, "full_name"), Some("Mr. Arthur Whitfield"));
    assert_eq!(
        items(arthur, "phones"),
        [("work", "+44 20 7946 0321"), ("pager", "+44 7654 321098")]
    );
    assert_eq!(
        addresses(arthur),
        [address(
            "home",
            "14 Quay Street",
            "Bristol",
            "Avon",
            "BS1 4DJ",
            "United Kingdom"
        )]
    );
    assert_eq!(arthur.get("photo"), None);
}

#[test]
fn outlook_2016_raw_windows_1252_bare_types_and_company_card() {
    let entries = read("outlook2016.vcf");
    assert_eq!(entries.len(), 2);
    let jurgen = &entries[0];
    assert_eq!(text(jurgen, "first_name"), Some("Jürgen"));
    assert_eq!(text(jurgen, "last_name"), Some("Brenner"));
    assert_eq!(text(jurgen, "prefix"), Some("Dr."));
    assert_eq!(text(jurgen, "full_name"), Some("Dr. Jürgen Brenner"));
    assert_eq!(organization(jurgen), Some("Brenner & Söhne Logistik"));
    assert_eq!(text(jurgen, "department"), Some("Fuhrpark"));
    assert_eq!(
        items(jurgen, "phones"),
        [
            ("work", "+49 40 555 0142"),
            ("mobile", "+49 171 555 0199"),
            ("fax", "+49 40 555 0143")
        ]
    );
    assert_eq!(
        items(jurgen, "emails"),
        [
            ("other", "j.brenner@brenner-logistik.example.de"),
            ("other", "juergen.brenner@mail.example.de")
        ]
    );
    assert_eq!(
        addresses(jurgen),
        [address("work", "Hafenstraße 12", "Hamburg", "", "20457", "Deutschland")]
    );
    assert_eq!(date(jurgen, "birthday"), ymd(Some(1979), 4, 23));
    assert_eq!(date(jurgen, "anniversary"), ymd(Some(2005), 6, 10));
    assert_photo(jurgen, "image/jpeg", 591);

    let company = &entries[1];
    assert_eq!(text(company, "full_name"), Some("Polar Freight Inc."));
    assert_eq!(organization(company), Some("Polar Freight Inc."));
    assert_eq!(
        company.get("first_name"),
        None,
        "a company's name is not split into a person's"
    );
    assert_eq!(company.get("last_name"), None);
}

#[test]
fn gmail_groups_labels_escapes_and_birthday_without_year() {
    let entries = read("gmail.vcf");
    assert_eq!(entries.len(), 2);
    let lena = &entries[0];
    assert_eq!(text(lena, "first_name"), Some("Lena"));
    assert_eq!(text(lena, "middle_name"), Some("Marie"));
    assert_eq!(text(lena, "nickname"), Some("Leni"));
    assert_eq!(
        items(lena, "emails"),
        [
            ("home", "lena.fischer@mail.example.com"),
            ("work", "l.fischer@nordlicht.example.de"),
            ("University", "lena@uni-bremen.example.de"),
        ]
    );
    assert_eq!(
        items(lena, "phones"),
        [
            ("mobile", "+49 151 23456789"),
            ("work", "+49 421 555 0100"),
            ("Assistant", "+49 421 555 0109")
        ]
    );
    assert_eq!(
        addresses(lena),
        [
            address("home", "Lindenstraße 5", "Bremen", "", "28195", "Germany"),
            address(
                "Summer house",
                "Am Deich 2",
                "Worpswede",
                "Niedersachsen",
                "27726",
                "Germany"
            ),
        ]
    );
    assert_eq!(organization(lena), Some("Nordlicht GmbH"));
    assert_eq!(text(lena, "department"), Some("Design"));
    assert_eq!(text(lena, "job_title"), Some("Senior Designer"));
    assert_eq!(date(lena, "birthday"), ymd(Some(1988), 11, 2));
    assert_eq!(items(lena, "urls"), [("homepage", "https://lena-fischer.example.de")]);
    assert_eq!(
        text(lena, "notes"),
        Some("Met at the Bremen design week.\nLikes tea, not coffee.")
    );
    assert_eq!(tags(lena, "groups"), ["myContacts", "Friends", "Design, Print"]);

    let ali = &entries[1];
    assert_eq!(text(ali, "first_name"), Some("علی"));
    assert_eq!(text(ali, "last_name"), Some("کریمی"));
    assert_eq!(text(ali, "full_name"), Some("علی کریمی"));
    assert_eq!(date(ali, "birthday"), ymd(None, 5, 17));
}

#[test]
fn iphone_labels_omitted_year_anniversary_and_folded_photo() {
    let entries = read("iphone.vcf");
    assert_eq!(entries.len(), 2);
    let maryam = &entries[0];
    assert_eq!(text(maryam, "full_name"), Some("Maryam Rahimi"));
    assert_eq!(organization(maryam), Some("Kashi Tile Works"));
    assert_eq!(text(maryam, "department"), Some("Export"));
    assert_eq!(
        items(maryam, "emails"),
        [
            ("other", "maryam.rahimi@kashi.example.ir"),
            ("home", "maryam@mail.example.com")
        ]
    );
    assert_eq!(
        items(maryam, "phones"),
        [
            ("mobile", "+98 912 555 0311"),
            ("mobile", "+98 935 555 0312"),
            ("home", "+98 71 5555 0313"),
            ("main", "+98 71 5555 0390"),
            ("fax", "+98 71 5555 0314"),
        ]
    );
    assert_eq!(
        addresses(maryam),
        [address("home", "Zand Blvd 42", "Shiraz", "Fars", "71345", "Iran")]
    );
    assert_eq!(items(maryam, "urls"), [("homepage", "https://kashi.example.ir")]);
    assert_eq!(
        date(maryam, "birthday"),
        ymd(None, 3, 14),
        "1604 is Apple's \"no year\""
    );
    assert_eq!(date(maryam, "anniversary"), ymd(Some(2010), 6, 12));
    assert_eq!(text(maryam, "notes"), Some("Prefers WhatsApp. مریم خانم"));
    assert_photo(maryam, "image/jpeg", 591);

    let company = &entries[1];
    assert_eq!(text(company, "full_name"), Some("Kashi Tile Works"));
    assert_eq!(company.get("first_name"), None);
    assert_eq!(items(company, "phones"), [("work", "+98 71 5555 0300")]);
}

#[test]
fn macos_lf_line_ends_custom_label_and_png_photo() {
    let entries = read("macos.vcf");
    assert_eq!(entries.len(), 1);
    let emilie = &entries[0];
    assert_eq!(text(emilie, "first_name"), Some("Émilie"));
    assert_eq!(text(emilie, "last_name"), Some("Dubois"));
    assert_eq!(text(emilie, "nickname"), Some("Mimi"));
    assert_eq!(organization(emilie), Some("Atelier Lumière"));
    assert_eq!(emilie.get("department"), None);
    assert_eq!(items(emilie, "emails"), [("work", "emilie@atelier-lumiere.example.fr")]);
    assert_eq!(
        items(emilie, "phones"),
        [("mobile", "+33 6 55 55 01 02"), ("Studio", "+33 1 55 55 01 03")]
    );
    assert_eq!(
        addresses(emilie),
        [address(
            "work",
            "12 rue des Lilas\nBâtiment B",
            "Lyon",
            "",
            "69003",
            "France"
        )]
    );
    assert_eq!(date(emilie, "birthday"), ymd(None, 3, 14));
    assert_photo(emilie, "image/png", 83);
}

#[test]
fn android_quoted_printable_utf8_split_inside_characters() {
    let entries = read("android.vcf");
    assert_eq!(entries.len(), 2);
    let petr = &entries[0];
    assert_eq!(text(petr, "first_name"), Some("Пётр"));
    assert_eq!(text(petr, "last_name"), Some("Смирнов"));
    assert_eq!(text(petr, "middle_name"), Some("Андреевич"));
    assert_eq!(
        text(petr, "nickname"),
        Some("Петя"),
        "Android keeps nicknames in X-ANDROID-CUSTOM"
    );
    assert_eq!(
        items(petr, "phones"),
        [
            ("mobile", "+7 921 555-77-88"),
            ("home", "+7 812 555-66-77"),
            ("work", "+7 812 555-00-11")
        ]
    );
    assert_eq!(items(petr, "emails"), [("home", "petr.smirnov@mail.example.ru")]);
    assert_eq!(
        addresses(petr),
        [address(
            "home",
            "Невский проспект, 28, кв. 7",
            "Санкт-Петербург",
            "",
            "191186",
            "Россия"
        )]
    );
    assert_eq!(organization(petr), Some("Балтийская верфь"));
    assert_eq!(text(petr, "job_title"), Some("Инженер-конструктор"));
    assert_eq!(
        text(petr, "notes"),
        Some("Звонить после 18:00.\nДень рождения отмечает на даче — привезти мёд.")
    );
    assert_eq!(date(petr, "birthday"), ymd(Some(1985), 7, 21));
    assert_eq!(date(petr, "anniversary"), ymd(Some(2012), 8, 25));
    assert_photo(petr, "image/jpeg", 313);

    let sara = &entries[1];
    assert_eq!(text(sara, "first_name"), Some("سارا"));
    assert_eq!(text(sara, "last_name"), Some("رحیمی"));
    assert_eq!(items(sara, "phones"), [("mobile", "+98 935 555 0420")]);
}

#[test]
fn evolution_3_0_structured_org_po_box_and_mime_type_photo() {
    let entries = read("evolution30.vcf");
    let tomas = &entries[0];
    assert_eq!(text(tomas, "uid"), Some("pas-id-65F1A2B3000001"));
    assert_eq!(text(tomas, "prefix"), Some("Ing."));
    assert_eq!(text(tomas, "nickname"), Some("Tom"));
    assert_eq!(organization(tomas), Some("Vltava Software s.r.o."));
    assert_eq!(text(tomas, "department"), Some("Research, Compilers"));
    assert_eq!(
        items(tomas, "emails"),
        [
            ("work", "tomas.novak@vltava.example.cz"),
            ("home", "tomas@home.example.cz")
        ]
    );
    assert_eq!(
        items(tomas, "phones"),
        [
            ("work", "+420 222 555 100"),
            ("mobile", "+420 777 555 101"),
            ("other", "+420 222 555 109")
        ]
    );
    assert_eq!(
        addresses(tomas),
        [
            address(
                "work",
                "Building C, Karlovo náměstí 3",
                "Praha",
                "",
                "120 00",
                "Czech Republic"
            ),
            address("other", "P.O. Box 15", "Brno", "", "602 00", "Czech Republic"),
        ]
    );
    assert_eq!(items(tomas, "urls"), [("other", "https://novak.example.cz/blog")]);
    assert_eq!(date(tomas, "birthday"), ymd(Some(1981), 9, 30));
    assert_eq!(date(tomas, "anniversary"), ymd(Some(2009), 5, 16));
    assert_eq!(tags(tomas, "groups"), ["Business", "Key Customer"]);
    assert_eq!(
        text(tomas, "notes"),
        Some("Works remotely on Fridays;\nprefers e-mail.")
    );
    assert_photo(tomas, "image/png", 83);
}

#[test]
fn evolution_4_0_tel_uris_and_data_uri_photo() {
    let entries = read("evolution40.vcf");
    let natalia = &entries[0];
    assert_eq!(
        text(natalia, "uid"),
        Some("urn:uuid:1f0c3b8e-7f44-4e4b-9d2e-4a8b6c1d2e3f")
    );
    assert_eq!(text(natalia, "first_name"), Some("Наталья"));
    assert_eq!(text(natalia, "middle_name"), Some("Игоревна"));
    assert_eq!(
        items(natalia, "phones"),
        [("mobile", "+7-903-555-1122"), ("home", "+7-495-555-3344")]
    );
    assert_eq!(items(natalia, "emails"), [("work", "n.orlova@example.org")]);
    assert_eq!(
        addresses(natalia),
        [address(
            "home",
            "ул. Ленина, 5",
            "Тверь",
            "Тверская обл.",
            "170000",
            "Россия"
        )]
    );
    assert_eq!(date(natalia, "birthday"), ymd(Some(1990), 7, 4));
    assert_eq!(date(natalia, "anniversary"), ymd(Some(2015), 8, 22));
    assert_eq!(tags(natalia, "groups"), ["Семья"]);
    assert_photo(natalia, "image/jpeg", 313);
}

#[test]
fn thunderbird_4_0_pref_value_params_and_photo_links() {
    let entries = read("thunderbird.vcf");
    assert_eq!(entries.len(), 2);
    let yuki = &entries[0];
    assert_eq!(
        items(yuki, "emails"),
        [
            ("other", "yuki.tanaka@example.jp"),
            ("work", "tanaka@sakura-denki.example.jp")
        ]
    );
    assert_eq!(
        items(yuki, "phones"),
        [
            ("mobile", "+81 90 5555 0101"),
            ("work", "+81 3 5555 0102"),
            ("pager", "+81 3 5555 0103")
        ]
    );
    assert_eq!(
        addresses(yuki),
        [address(
            "work",
            "2-3-1 Marunouchi",
            "Chiyoda-ku",
            "Tokyo",
            "100-0005",
            "Japan"
        )]
    );
    assert_eq!(date(yuki, "birthday"), ymd(None, 3, 14));
    assert_eq!(date(yuki, "anniversary"), ymd(Some(2018), 4, 1));
    assert_eq!(organization(yuki), Some("Sakura Denki"));
    assert_eq!(text(yuki, "department"), Some("R&D"));
    assert_eq!(items(yuki, "urls"), [("other", "https://yuki.example.jp")]);
    assert_photo(yuki, "image/png", 83);

    let priya = &entries[1];
    assert_eq!(priya.get("photo"), None, "plugins do not fetch");
    assert_eq!(items(priya, "urls"), [("photo", "https://photos.example.in/priya.jpg")]);
    assert_eq!(date(priya, "birthday"), ymd(Some(1992), 1, 15));
}

#[test]
fn utf16_le_file_with_bom() {
    let entries = read("utf16le.vcf");
    assert_eq!(entries.len(), 2);
    assert_eq!(text(&entries[0], "full_name"), Some("Алексей Орлов"));
    assert_eq!(organization(&entries[0]), Some("Волга Трейд"));
    assert_eq!(text(&entries[0], "notes"), Some("Привет, مرحبا"));
    assert_eq!(date(&entries[0], "birthday"), ymd(Some(1970), 1, 31));
    assert_eq!(entries[1].line, 11);
    assert_eq!(text(&entries[1], "first_name"), Some("مریم"));
    assert_eq!(items(&entries[1], "phones"), [("home", "+98 21 5555 0606")]);
}

#[test]
fn eight_bit_text_without_charset_is_guessed() {
    let entries = read("no_charset_cp1251.vcf");
    assert_eq!(text(&entries[0], "full_name"), Some("Игорь Лебедев"));
    assert_eq!(organization(&entries[0]), Some("Ёлка и К°"));
    assert_eq!(text(&entries[1], "last_name"), Some("Лебедева"));
    assert_eq!(
        text(&entries[1], "full_name"),
        Some("Анна Лебедева"),
        "made from N when FN is missing"
    );

    let entries = read("no_charset_latin1.vcf");
    assert_eq!(text(&entries[0], "full_name"), Some("Jörg Müller"));
    assert_eq!(
        addresses(&entries[0]),
        [address("home", "Große Straße 3", "Köln", "", "50667", "Deutschland")]
    );
}

#[test]
fn a_malformed_card_is_reported_and_the_others_are_read() {
    let entries = read("malformed.vcf");
    let summary: Vec<(u32, Option<&str>, Option<&str>)> = entries
        .iter()
        .map(|e| (e.line, text(e, "full_name"), e.error.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            (1, Some("First Good"), None),
            (
                6,
                Some("Bob Broken"),
                Some("line 10: \"this line is not a property\" is not a vCard property (no ':')")
            ),
            (
                13,
                Some("Bad Date"),
                Some("line 17: BDAY \"last spring\" is not a date")
            ),
            (
                19,
                Some("Una Unended"),
                Some("line 23: a new card begins before the card of line 19 has ended (no END:VCARD)")
            ),
            (23, Some("Second Good"), None),
            (
                28,
                Some("Cut Off"),
                Some("line 31: the file ends inside the card that starts on line 28 (no END:VCARD)")
            ),
        ]
    );
    assert_eq!(
        items(&entries[1], "phones"),
        [("other", "+1 555 0100")],
        "a bad card keeps what was read"
    );
}

#[test]
fn every_fixture_reads_the_same_in_any_chunks() {
    for name in FIXTURES {
        let bytes = fixture(name);
        let whole = import(&bytes);
        assert!(!whole.is_empty(), "{name}");
        for chunk in [1, 7] {
            assert_eq!(import_chunked(&bytes, chunk), whole, "{name} in {chunk}-byte chunks");
        }
    }
}

#[test]
fn folded_lines_tabs_and_quoted_params_are_unfolded() {
    let file = "BEGIN:VCARD\nVERSION:3.0\nN:Lee;Ann;;;\nNOTE:one long\n  note\n\t that goes on\nTEL;type=\"cell\n ,voice\":+1 555\n 0100\nEND:VCARD\n";
    let entries = import(file.as_bytes());
    assert_eq!(text(&entries[0], "notes"), Some("one long note that goes on"));
    assert_eq!(items(&entries[0], "phones"), [("mobile", "+1 5550100")]);
}

#[test]
fn base64_lines_of_2_1_need_no_indentation() {
    let photo = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQY";
    let (head, tail) = photo.split_at(40);
    let file = format!(
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Lee;Ann\r\nPHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n{head}\r\n{tail}\r\n\r\nTEL;CELL:+1 555 0100\r\nEND:VCARD\r\n"
    );
    let entries = import(file.as_bytes());
    assert_eq!(entries[0].error, None);
    assert_eq!(photo_len(&entries[0]), 54);
    assert_eq!(items(&entries[0], "phones"), [("mobile", "+1 555 0100")]);
}

fn photo_len(entry: &cardbase_plugin_sdk::Entry) -> usize {
    common::photo(entry).data.len()
}

#[test]
fn sniffing_knows_vcards_by_name_or_first_line() {
    assert!(VcardImporter::sniff("Contacts.VCF", b""));
    assert!(VcardImporter::sniff("export.vcard", b""));
    assert!(VcardImporter::sniff(
        "export.txt",
        b"\xEF\xBB\xBF\r\n  begin:vcard\r\nVERSION:3.0"
    ));
    assert!(VcardImporter::sniff("export", &fixture("utf16le.vcf")));
    assert!(!VcardImporter::sniff("notes.txt", b"BEGIN:VCALENDAR"));
    assert!(!VcardImporter::sniff("notes.txt", b"BEGIN:VCAR"));
    assert!(!VcardImporter::sniff("notes.txt", b""));
}

#[test]
fn fields_name_the_contacts_keys_with_their_types() {
    let fields = VcardImporter::fields();
    let kind = |key: &str| fields.iter().find(|f| f.key == key).map(|f| f.kind.as_str());
    for (key, expected) in [
        ("first_name", "text"),
        ("last_name", "text"),
        ("middle_name", "text"),
        ("nickname", "text"),
        ("organization", "relation"),
        ("job_title", "text"),
        ("phones", "phones"),
        ("emails", "emails"),
        ("urls", "urls"),
        ("addresses", "addresses"),
        ("birthday", "date_no_year"),
        ("photo", "photo"),
        ("groups", "tags"),
        ("notes", "long_text"),
    ] {
        assert_eq!(kind(key), Some(expected), "{key}");
    }
    assert!(fields.iter().all(|f| !f.label.is_empty()));
}
