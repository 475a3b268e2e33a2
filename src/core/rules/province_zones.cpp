#include "core/rules/province_zones.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <map>

namespace cart_abandon {

// Each subdivision maps to the one zone that covers most of it; its minority areas (north-west
// Ontario, the Florida panhandle, western Kentucky, Fernando de Noronha, ...) are an hour off.
// Source: the comments of tzdata's zone.tab (2025b) for each zone, quoted per row; codes from
// ISO 3166-2, names in English and the local language. Countries: the big WhatsApp markets ICU
// gives several zones. Russia, Kazakhstan, Chile, Ecuador, Ukraine, ... are not here: any
// province there checks all of the country's zones.
const std::vector<ProvinceZone>& province_zone_table() {
    static const std::vector<ProvinceZone> table = {
        // Canada
        // Newfoundland, Labrador (SE)
        {"CA", "America/St_Johns", "NL|Newfoundland and Labrador|Newfoundland|Terre-Neuve-et-Labrador"},
        // Atlantic - NS (most areas), PE
        {"CA", "America/Halifax", "NS|Nova Scotia|Nouvelle-Écosse|PE|Prince Edward Island|Île-du-Prince-Édouard"},
        {"CA", "America/Moncton", "NB|New Brunswick|Nouveau-Brunswick"},  // Atlantic - New Brunswick
        {"CA", "America/Toronto", "ON|Ontario|QC|Québec"},  // Eastern - ON & QC (most areas)
        {"CA", "America/Winnipeg", "MB|Manitoba"},  // Central - ON (west), Manitoba
        {"CA", "America/Regina", "SK|Saskatchewan"},  // CST - SK (most areas)
        // Mountain - AB, BC(E), NT(E), SK(W)
        {"CA", "America/Edmonton", "AB|Alberta|NT|Northwest Territories|Territoires du Nord-Ouest"},
        {"CA", "America/Vancouver", "BC|British Columbia|Colombie-Britannique"},  // Pacific - BC (most areas)
        {"CA", "America/Whitehorse", "YT|Yukon"},  // MST - Yukon (east)
        {"CA", "America/Iqaluit", "NU|Nunavut"},  // Eastern - NU (most areas)

        // Australia
        // New South Wales (most areas); ACT too (tzdata links Australia/Canberra to it)
        {"AU", "Australia/Sydney", "NSW|New South Wales|ACT|Australian Capital Territory"},
        {"AU", "Australia/Melbourne", "VIC|Victoria"},  // Victoria
        {"AU", "Australia/Brisbane", "QLD|Queensland"},  // Queensland (most areas)
        {"AU", "Australia/Adelaide", "SA|South Australia"},  // South Australia
        {"AU", "Australia/Perth", "WA|Western Australia"},  // Western Australia (most areas)
        {"AU", "Australia/Hobart", "TAS|Tasmania"},  // Tasmania
        {"AU", "Australia/Darwin", "NT|Northern Territory"},  // Northern Territory

        // Brazil
        {"BR", "America/Belem", "PA|Pará|AP|Amapá"},  // Para (east), Amapa
        // Brazil (northeast: MA, PI, CE, RN, PB)
        {"BR", "America/Fortaleza", "MA|Maranhão|PI|Piauí|CE|Ceará|RN|Rio Grande do Norte|PB|Paraíba"},
        {"BR", "America/Recife", "PE|Pernambuco"},  // Pernambuco
        {"BR", "America/Araguaina", "TO|Tocantins"},  // Tocantins
        {"BR", "America/Maceio", "AL|Alagoas|SE|Sergipe"},  // Alagoas, Sergipe
        {"BR", "America/Bahia", "BA|Bahia"},  // Bahia
        {"BR", "America/Sao_Paulo",  // Brazil (southeast: GO, DF, MG, ES, RJ, SP, PR, SC, RS)
         "GO|Goiás|DF|Distrito Federal|MG|Minas Gerais|ES|Espírito Santo|RJ|Rio de Janeiro|SP|São Paulo|"
         "PR|Paraná|SC|Santa Catarina|RS|Rio Grande do Sul"},
        {"BR", "America/Campo_Grande", "MS|Mato Grosso do Sul"},  // Mato Grosso do Sul
        {"BR", "America/Cuiaba", "MT|Mato Grosso"},  // Mato Grosso
        {"BR", "America/Porto_Velho", "RO|Rondônia"},  // Rondonia
        {"BR", "America/Boa_Vista", "RR|Roraima"},  // Roraima
        {"BR", "America/Manaus", "AM|Amazonas"},  // Amazonas (east)
        {"BR", "America/Rio_Branco", "AC|Acre"},  // Acre

        // Mexico
        {"MX", "America/Mexico_City",  // Central Mexico
         "AGU|Aguascalientes|CHP|Chiapas|CMX|DF|CDMX|Ciudad de México|Mexico City|Distrito Federal|COL|Colima|"
         "GUA|Guanajuato|GRO|Guerrero|HID|Hidalgo|JAL|Jalisco|MEX|México|Estado de México|State of Mexico|"
         "MIC|Michoacán|Michoacán de Ocampo|MOR|Morelos|OAX|Oaxaca|PUE|Puebla|QUE|Querétaro|"
         "SLP|San Luis Potosí|TAB|Tabasco|TLA|Tlaxcala|VER|Veracruz|Veracruz de Ignacio de la Llave|"
         "ZAC|Zacatecas"},
        {"MX", "America/Cancun", "ROO|Quintana Roo"},  // Quintana Roo
        {"MX", "America/Merida", "CAM|Campeche|YUC|Yucatán"},  // Campeche, Yucatan
        {"MX", "America/Monterrey",  // Durango; Coahuila, Nuevo Leon, Tamaulipas (most areas)
         "DUR|Durango|COA|Coahuila|Coahuila de Zaragoza|NLE|Nuevo León|TAM|Tamaulipas"},
        {"MX", "America/Chihuahua", "CHH|Chihuahua"},  // Chihuahua (most areas)
        // Baja California Sur, Nayarit (most areas), Sinaloa
        {"MX", "America/Mazatlan", "BCS|Baja California Sur|NAY|Nayarit|SIN|Sinaloa"},
        {"MX", "America/Hermosillo", "SON|Sonora"},  // Sonora
        {"MX", "America/Tijuana", "BCN|Baja California"},  // Baja California

        // Indonesia
        {"ID", "Asia/Jakarta",  // Java, Sumatra
         "AC|Aceh|SU|Sumatera Utara|North Sumatra|SB|Sumatera Barat|West Sumatra|RI|Riau|KR|Kepulauan Riau|"
         "Riau Islands|JA|Jambi|SS|Sumatera Selatan|South Sumatra|BB|Kepulauan Bangka Belitung|"
         "Bangka Belitung|BE|Bengkulu|LA|Lampung|JK|Jakarta|Jakarta Raya|DKI Jakarta|JB|Jawa Barat|"
         "West Java|BT|Banten|JT|Jawa Tengah|Central Java|YO|Yogyakarta|DI Yogyakarta|JI|Jawa Timur|East Java"},
        {"ID", "Asia/Pontianak",  // Borneo (west, central)
         "KB|Kalimantan Barat|West Kalimantan|KT|Kalimantan Tengah|Central Kalimantan"},
        {"ID", "Asia/Makassar",  // Borneo (east, south), Sulawesi/Celebes, Bali, Nusa Tengarra, Timor (west)
         "KS|Kalimantan Selatan|South Kalimantan|KI|Kalimantan Timur|East Kalimantan|KU|Kalimantan Utara|"
         "North Kalimantan|BA|Bali|NB|Nusa Tenggara Barat|West Nusa Tenggara|NT|Nusa Tenggara Timur|"
         "East Nusa Tenggara|SN|Sulawesi Selatan|South Sulawesi|SR|Sulawesi Barat|West Sulawesi|"
         "ST|Sulawesi Tengah|Central Sulawesi|SG|Sulawesi Tenggara|Southeast Sulawesi|SA|Sulawesi Utara|"
         "North Sulawesi|GO|Gorontalo"},
        {"ID", "Asia/Jayapura",  // New Guinea (West Papua / Irian Jaya), Malukus/Moluccas
         "MA|Maluku|MU|Maluku Utara|North Maluku|PA|Papua|PB|Papua Barat|West Papua|PD|Papua Barat Daya|"
         "Southwest Papua|PE|Papua Pegunungan|Highland Papua|PS|Papua Selatan|South Papua|PT|Papua Tengah|"
         "Central Papua"},

        // Spain: the autonomous communities and the provinces, both in ISO 3166-2.
        {"ES", "Atlantic/Canary",  // Canary Islands
         "CN|Canarias|Canary Islands|Islas Canarias|GC|Las Palmas|TF|Santa Cruz de Tenerife"},
        {"ES", "Africa/Ceuta", "CE|Ceuta|ML|Melilla"},  // Ceuta, Melilla
        {"ES", "Europe/Madrid",  // Spain (mainland)
         "AN|Andalucía|Andalusia|AR|Aragón|AS|Asturias|Principado de Asturias|CB|Cantabria|CL|Castilla y León|"
         "CM|Castilla-La Mancha|CT|Cataluña|Catalunya|Catalonia|EX|Extremadura|GA|Galicia|IB|Illes Balears|"
         "Islas Baleares|Balearic Islands|RI|La Rioja|MD|Comunidad de Madrid|MC|Región de Murcia|"
         "NC|Navarra|Comunidad Foral de Navarra|PV|País Vasco|Euskadi|Basque Country|VC|Comunitat Valenciana|"
         "Comunidad Valenciana|"
         "C|A Coruña|La Coruña|VI|Álava|Araba|AB|Albacete|A|Alicante|Alacant|AL|Almería|O|AV|Ávila|"
         "BA|Badajoz|B|Barcelona|BU|Burgos|CC|Cáceres|CA|Cádiz|S|CS|Castellón|Castelló|CR|Ciudad Real|"
         "CO|Córdoba|CU|Cuenca|GI|Girona|Gerona|GR|Granada|GU|Guadalajara|SS|Gipuzkoa|Guipúzcoa|H|Huelva|"
         "HU|Huesca|PM|J|Jaén|LO|LE|León|L|Lleida|Lérida|LU|Lugo|M|Madrid|MA|Málaga|MU|Murcia|NA|"
         "OR|Ourense|Orense|P|Palencia|PO|Pontevedra|SA|Salamanca|SG|Segovia|SE|Sevilla|Seville|SO|Soria|"
         "T|Tarragona|TE|Teruel|TO|Toledo|V|Valencia|VA|Valladolid|BI|Bizkaia|Vizcaya|ZA|Zamora|"
         "Z|Zaragoza"},

        // Portugal: the autonomous regions and the mainland districts.
        {"PT", "Atlantic/Azores", "20|Açores|Azores|Região Autónoma dos Açores"},  // Azores
        {"PT", "Atlantic/Madeira", "30|Madeira|Região Autónoma da Madeira"},  // Madeira Islands
        {"PT", "Europe/Lisbon",  // Portugal (mainland)
         "01|Aveiro|02|Beja|03|Braga|04|Bragança|05|Castelo Branco|06|Coimbra|07|Évora|08|Faro|09|Guarda|"
         "10|Leiria|11|Lisboa|Lisbon|12|Portalegre|13|Porto|14|Santarém|15|Setúbal|16|Viana do Castelo|"
         "17|Vila Real|18|Viseu"},

        // United States: the states and DC.
        {"US", "America/New_York",  // Eastern (most areas)
         "CT|Connecticut|DE|Delaware|DC|District of Columbia|Washington DC|FL|Florida|GA|Georgia|"
         "KY|Kentucky|ME|Maine|MD|Maryland|MA|Massachusetts|NH|New Hampshire|NJ|New Jersey|NY|New York|"
         "NC|North Carolina|OH|Ohio|PA|Pennsylvania|RI|Rhode Island|SC|South Carolina|VT|Vermont|"
         "VA|Virginia|WV|West Virginia"},
        {"US", "America/Detroit", "MI|Michigan"},  // Eastern - MI (most areas)
        {"US", "America/Indiana/Indianapolis", "IN|Indiana"},  // Eastern - IN (most areas)
        {"US", "America/Chicago",  // Central (most areas)
         "AL|Alabama|AR|Arkansas|IL|Illinois|IA|Iowa|KS|Kansas|LA|Louisiana|MN|Minnesota|MS|Mississippi|"
         "MO|Missouri|NE|Nebraska|ND|North Dakota|OK|Oklahoma|SD|South Dakota|TN|Tennessee|TX|Texas|"
         "WI|Wisconsin"},
        {"US", "America/Denver", "CO|Colorado|MT|Montana|NM|New Mexico|UT|Utah|WY|Wyoming"},  // Mountain (most areas)
        {"US", "America/Boise", "ID|Idaho"},  // Mountain - ID (south), OR (east)
        {"US", "America/Phoenix", "AZ|Arizona"},  // MST - AZ (except Navajo)
        {"US", "America/Los_Angeles", "CA|California|NV|Nevada|OR|Oregon|WA|Washington"},  // Pacific
        {"US", "America/Anchorage", "AK|Alaska"},  // Alaska (most areas)
        {"US", "Pacific/Honolulu", "HI|Hawaii"},  // Hawaii
    };
    return table;
}

std::string fold_place_name(const std::string& text) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    if (U_FAILURE(status)) return std::string();
    icu::UnicodeString decomposed = nfd->normalize(icu::UnicodeString::fromUTF8(text), status);
    if (U_FAILURE(status)) return std::string();
    decomposed.foldCase();

    icu::UnicodeString folded;
    bool pending_space = false;
    for (int32_t i = 0; i < decomposed.length(); i = decomposed.moveIndex32(i, 1)) {
        const UChar32 c = decomposed.char32At(i);
        if (u_charType(c) == U_NON_SPACING_MARK) continue;  // the accents NFD split off
        if (!u_isalnum(c)) {
            pending_space = !folded.isEmpty();
            continue;
        }
        if (pending_space) folded.append(UChar(' '));
        pending_space = false;
        folded.append(c);
    }
    std::string out;
    folded.toUTF8String(out);
    return out;
}

namespace {

using Index = std::map<std::string, std::map<std::string, std::string>>;  // region -> folded name -> zone

const Index& index() {
    static const Index built = [] {
        Index by_region;
        for (const ProvinceZone& row : province_zone_table()) {
            auto& names = by_region[row.region];
            const std::string all = row.names;
            for (std::size_t begin = 0; begin <= all.size();) {
                const std::size_t end = std::min(all.find('|', begin), all.size());
                names.emplace(fold_place_name(all.substr(begin, end - begin)), row.zone);
                begin = end + 1;
            }
        }
        return by_region;
    }();
    return built;
}

}  // namespace

std::string province_zone(const std::string& region, const std::string& province) {
    const auto country = index().find(region);
    if (country == index().end()) return std::string();
    const std::string key = fold_place_name(province);
    if (key.empty()) return std::string();
    auto found = country->second.find(key);
    if (found == country->second.end()) {
        // "CA-ON" folds to "ca on": the ISO 3166-2 form with the country in front.
        const std::string prefix = fold_place_name(region) + " ";
        if (key.compare(0, prefix.size(), prefix) == 0) found = country->second.find(key.substr(prefix.size()));
    }
    return found == country->second.end() ? std::string() : found->second;
}

}  // namespace cart_abandon
