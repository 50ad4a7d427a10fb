#include "domains/exchange/excel_columns.hpp"

#include "domains/premises/model.hpp"

namespace upravdom::exchange::excel {

const char* const kOwnersWarning =
    "Важно! При импорте клиентов нужно передавать всех собственников помещения, даже если они "
    "уже были добавлены в CRM. Иначе все не переданные собственники будут удалены из CRM, "
    "вместе со связанными с ними клиентами.";

const std::vector<Column>& Columns() {
  using S = Section;
  using K = Kind;
  static const std::vector<Column> columns = {
      {"object_id", "ID объекта", S::kPremise, K::kInteger,
       "Номер объекта (дома) в CRM, как в выгрузке. Главнее внешнего ID и названия объекта",
       "объект — для нового помещения: ID, внешний ID или название", "целое число"},
      {"object_external_id", "Внешний ID объекта", S::kPremise, K::kText,
       "Идентификатор объекта (дома) в учётной системе", "", "текст до 100 символов"},
      {"object_name", "Объект", S::kPremise, K::kText,
       "Название объекта (дома) как в CRM; используется, когда ID объекта не указаны", "",
       "текст, точно как в справочнике объектов"},
      {"type", "Тип помещения", S::kPremise, K::kPremiseType, "Тип помещения",
       "для нового помещения",
       "Квартира, Машиноместо, Кладовая, Апартаменты, Нежилое помещение, "
       "Дом, Таунхаус, Дуплекс, Комната, Участок"},
      {"number", "Номер помещения", S::kPremise, K::kText, "Номер помещения в объекте",
       "для нового помещения (кроме домов, таунхаусов и дуплексов)", "текст до 20 символов"},
      {"total_area", "Общая площадь, м²", S::kPremise, K::kArea, "Общая площадь помещения", "",
       "число, до 2 знаков после запятой; 0 — площадь не известна"},
      {"living_area", "Жилая площадь, м²", S::kPremise, K::kArea, "Жилая площадь помещения", "",
       "число, до 2 знаков после запятой"},
      {"rooms", "Комнат", S::kPremise, K::kInteger, "Количество комнат", "", "целое число 0 … 50"},
      {"street", "Улица помещения", S::kPremise, K::kText,
       "Своя улица помещения (дом, таунхаус, дуплекс, участок в посёлке)",
       "для домов, таунхаусов и дуплексов", "текст до 200 символов; у квартир не заполняется"},
      {"house", "Дом помещения", S::kPremise, K::kText, "Свой номер дома помещения (с улицей)",
       "для домов, таунхаусов и дуплексов", "текст до 20 символов, например 12А"},
      {"level", "Уровень", S::kPremise, K::kText, "Уровень машиноместа или кладовой", "",
       "текст до 10 символов, например -1"},
      {"room", "Комната в квартире", S::kPremise, K::kText, "Номер комнаты в квартире",
       "для типа «Комната»", "текст до 10 символов"},
      {"external_id", "Внешний ID помещения", S::kPremise, K::kText,
       "Идентификатор помещения в учётной системе: по нему помещение находится при следующих "
       "загрузках",
       "внешний ID или объект, тип и номер", "текст до 100 символов"},

      {"external_id", "Внешний ID клиента", S::kClient, K::kText,
       "Идентификатор клиента в учётной системе: по нему (и по телефону) клиент находится в CRM",
       "в строке с клиентом", "текст до 100 символов"},
      {"type", "Тип клиента", S::kClient, K::kClientType, "Тип клиента", "",
       "Физ. лицо (по умолчанию), Юр. лицо, ИП, Филиал иностр. юр. лица"},
      {"last_name", "Фамилия", S::kClient, K::kText, "Фамилия клиента", "", "только буквы"},
      {"first_name", "Имя", S::kClient, K::kText, "Имя клиента", "", "только буквы"},
      {"middle_name", "Отчество", S::kClient, K::kText, "Отчество клиента", "", "только буквы"},
      {"organization_name", "Название организации", S::kClient, K::kText,
       "Для юрлиц, ИП и филиалов", "", "текст"},
      {"phone", "Телефон", S::kClient, K::kText,
       "Мобильный телефон: по нему клиент входит в приложение", "",
       "любой привычный формат: 89123456789, +7 (912) 345-67-89"},
      {"email", "Эл. почта", S::kClient, K::kText, "Адрес электронной почты", "",
       "name@example.ru"},
      {"role", "Роль", S::kClient, K::kRole, "Роль клиента в помещении", "",
       "Собственник (по умолчанию), Неподтверждённый собственник, Проживающий / член семьи, "
       "Представитель, Арендатор"},
      {"share", "Доля", S::kClient, K::kText, "Доля в собственности (только у собственника)", "",
       "дробь 1/2 или процент 50%"},
      {"owner_external_id", "Внешний ID собственника", S::kClient, K::kText,
       "Для проживающего, представителя, арендатора: внешний ID собственника из этого же "
       "помещения, от которого он зависит (пусто — первый собственник)",
       "", "текст"},
      {"inn", "ИНН клиента", S::kClient, K::kText, "ИНН клиента", "", "10 или 12 цифр"},
      {"snils", "СНИЛС", S::kClient, K::kText, "СНИЛС клиента", "", "123-456-789 01"},
      {"note", "Примечание о клиенте", S::kClient, K::kText,
       "Примечание, которое сотрудник видит при создании обращения", "", "текст"},

      {"legal_entity_inn", "ИНН юрлица ЛС", S::kAccount, K::kText,
       "ИНН юридического лица организации, в котором открыт лицевой счёт", "в строке с ЛС",
       "10 или 12 цифр, как в справочнике юрлиц"},
      {"number", "Номер ЛС", S::kAccount, K::kText, "Номер лицевого счёта", "в строке с ЛС",
       "текст до 50 символов"},
      {"unified_account", "ЕЛС", S::kAccount, K::kText, "Единый лицевой счёт", "",
       "2 цифры, 2 буквы и 6 цифр: 12АБ345678"},
      {"external_id", "Внешний ID ЛС", S::kAccount, K::kText,
       "Идентификатор лицевого счёта в учётной системе", "", "текст до 100 символов"},
      {"hidden_from_resident", "ЛС скрыт от жителя", S::kAccount, K::kBool,
       "Не показывать лицевой счёт в приложении жителя", "", "да или нет (по умолчанию нет)"},
  };
  return columns;
}

const Column* FindColumn(Section section, const std::string& key) {
  for (const Column& column : Columns())
    if (column.section == section && key == column.key) return &column;
  return nullptr;
}

const char* SectionName(Section section) {
  switch (section) {
    case Section::kPremise:
      return "Помещение";
    case Section::kClient:
      return "Клиент";
    case Section::kAccount:
      return "Лицевой счёт";
  }
  return "";
}

const std::vector<Choice>& ClientTypes() {
  static const std::vector<Choice> types = {{"individual", "Физ. лицо"},
                                            {"legal_entity", "Юр. лицо"},
                                            {"sole_proprietor", "ИП"},
                                            {"foreign_branch", "Филиал иностр. юр. лица"}};
  return types;
}

const std::vector<Choice>& Roles() {
  static const std::vector<Choice> roles = {{"owner", "Собственник"},
                                            {"unconfirmed_owner", "Неподтверждённый собственник"},
                                            {"resident", "Проживающий / член семьи"},
                                            {"representative", "Представитель"},
                                            {"tenant", "Арендатор"}};
  return roles;
}

namespace {

std::vector<Choice> ChoicesOf(Kind kind) {
  if (kind == Kind::kClientType) return ClientTypes();
  if (kind == Kind::kRole) return Roles();
  std::vector<Choice> types;
  for (const premises::TypeInfo& type : premises::Types()) types.push_back({type.code, type.name});
  return types;
}

// Lower-cases ASCII and the Russian alphabet (the names are Russian), so that «квартира» and
// «КВАРТИРА» match «Квартира».
std::string Fold(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += static_cast<char>(std::tolower(c));
      continue;
    }
    if (i + 1 < text.size()) {
      unsigned char d = static_cast<unsigned char>(text[i + 1]);
      if (c == 0xD0 && d >= 0x90 && d <= 0x9F) {  // А…П → а…п
        out += '\xD0', out += static_cast<char>(d + 0x20), ++i;
        continue;
      }
      if (c == 0xD0 && d >= 0xA0 && d <= 0xAF) {  // Р…Я → р…я
        out += '\xD1', out += static_cast<char>(d - 0x20), ++i;
        continue;
      }
      if (c == 0xD0 && d == 0x81) {  // Ё → ё
        out += "\xD1\x91", ++i;
        continue;
      }
    }
    out += static_cast<char>(c);
  }
  return out;
}

}  // namespace

std::optional<std::string> ChoiceCode(Kind kind, const std::string& typed) {
  const std::string folded = Fold(typed);
  for (const Choice& choice : ChoicesOf(kind))
    if (folded == choice.code || folded == Fold(choice.name)) return std::string(choice.code);
  if (kind == Kind::kRole && folded == Fold("Проживающий")) return std::string("resident");
  return std::nullopt;
}

std::string ChoiceName(Kind kind, const std::string& code) {
  for (const Choice& choice : ChoicesOf(kind))
    if (code == choice.code) return choice.name;
  return code;
}

std::string ColumnLetter(size_t index) {
  std::string letters;
  for (size_t n = index + 1; n > 0; n = (n - 1) / 26)
    letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
  return letters;
}

nlohmann::json ColumnsJson() {
  nlohmann::json items = nlohmann::json::array();
  for (size_t i = 0; i < Columns().size(); ++i) {
    const Column& column = Columns()[i];
    items.push_back({{"letter", ColumnLetter(i)},
                     {"header", column.header},
                     {"section", SectionName(column.section)},
                     {"meaning", column.meaning},
                     {"required", column.required},
                     {"format", column.format}});
  }
  return {{"columns", items},
          {"warning", kOwnersWarning},
          {"rules",
           {"Первая строка листа — заголовки столбцов (порядок любой, лишних столбцов быть не "
            "должно). Обязательные столбцы: «Тип помещения», «Номер помещения» и один из "
            "столбцов объекта; при столбцах клиента — «Внешний ID клиента», при столбцах "
            "лицевого счёта — «ИНН юрлица ЛС» и «Номер ЛС».",
            "Одна строка — помещение, один его клиент и один его лицевой счёт. У помещения с "
            "несколькими клиентами или счетами — несколько строк подряд: в каждой повторите "
            "столбцы помещения или оставьте их пустыми.",
            "Если у помещения заполнен хотя бы один клиент, список его собственников "
            "заменяется переданным (см. «Важно!»). Если ни в одной строке помещения клиент не "
            "заполнен, клиенты помещения не меняются.",
            "Пустая ячейка очищает значение (площадь, ФИО, ЕЛС …); пустые ячейки объекта, типа, "
            "номера, роли, доли и телефона оставляют значение как есть. Строка, где у клиента "
            "заполнен только «Внешний ID клиента» (и роль, доля), ссылается на уже известного "
            "клиента и не меняет его данные — так один собственник указывается у нескольких "
            "помещений.",
            "Импорт идёт по порядку строк и останавливается на первом помещении с ошибкой; "
            "помещения до него сохраняются. «Проверить» проходит весь файл и ничего не "
            "записывает."}}};
}

}  // namespace upravdom::exchange::excel
