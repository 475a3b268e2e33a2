#include <gtest/gtest.h>

#include <string>

#include "core/channels/whatsapp/opt_out_text.hpp"

using namespace cart_abandon;

TEST(OptOutText, TheWholeMessageAfterTrimmingAndFolding) {
    for (const std::string text :
         {"STOP", "stop", "Stop", "stop.", " Stop ", "STOP!!!", "\tSTOP\r\n", "*STOP*", "\"stop\"", "STOP 🙏",
          "STOP 🙏🏽", "stop ❤️", "🛑 STOP 🛑", "stop 👨‍👩‍👧", "STOP 🇩🇪", "(stop)",
          "\u200Bstop\u200B", "\u00A0STOP\u3000", "stop #\uFE0F\u20E3"})
        EXPECT_TRUE(is_opt_out_text(text)) << text;
}

TEST(OptOutText, WordsInsideASentenceDoNotCount) {
    for (const std::string text : {"don't stop", "stopping by later", "stop sending me the cart please", "stops",
                                   "nonstop", "sto p", "s top", "STOP STOP", "please stop", "stop?? why", "", "   ",
                                   "🙏", "...", "promotions", "stop 2", "stop1", "end of story", "cancel my order"})
        EXPECT_FALSE(is_opt_out_text(text)) << text;
}

TEST(OptOutText, EnglishCarrierKeywords) {
    for (const std::string text : {"STOPALL", "stop all", "Unsubscribe", "CANCEL", "end", "Quit", "revoke", "OPT OUT",
                                   "opt-out", "Opt_Out", "OPTOUT", "opt  out", "Stop promotions", "STOP   PROMOTIONS",
                                   "stop-promotions", "STOP_PROMOTIONS", "stop promotion"})
        EXPECT_TRUE(is_opt_out_text(text)) << text;
}

TEST(OptOutText, OtherLanguagesOfWhatsAppsLargeMarkets) {
    for (const std::string text : {"PARAR",
                                   "Pare",
                                   "sair",
                                   "Cancelar",
                                   "descadastrar",
                                   "Parar promoções",
                                   "PARAR PROMOÇÕES",
                                   "baja",
                                   "¡BAJA!",
                                   "dar de baja",
                                   "Detener",
                                   "ALTO",
                                   "Detener promociones",
                                   "Arrêt",
                                   "ARRÊT",
                                   "arret",
                                   "Arrêter",
                                   "désabonner",
                                   "DESABONNER",
                                   "STOPP",
                                   "Stopp.",
                                   "abmelden",
                                   "Abbestellen",
                                   "afmelden",
                                   "BASTA!",
                                   "Annulla",
                                   "berhenti",
                                   "Berhenti langganan",
                                   "रोकें",
                                   "रोकें।",
                                   "रोको",
                                   "बंद करें",
                                   "band karo",
                                   "DUR",
                                   "İPTAL",
                                   "iptal",
                                   "IPTAL",
                                   "СТОП",
                                   "стоп",
                                   "Отписаться",
                                   "توقف",
                                   "إلغاء",
                                   "الغاء"})
        EXPECT_TRUE(is_opt_out_text(text)) << text;
}

TEST(OptOutText, FoldingCoversWidthAccentsAndFullCaseFolding) {
    EXPECT_TRUE(is_opt_out_text("ＳＴＯＰ")) << "full-width";
    EXPECT_TRUE(is_opt_out_text("ARRE\u0302T")) << "decomposed accent";
    EXPECT_TRUE(is_opt_out_text("ＡＲＲÊＴ"));
    EXPECT_TRUE(is_opt_out_text("ST\u00ADOP")) << "a soft hyphen is ignorable";
    EXPECT_FALSE(is_opt_out_text("ARRÉT")) << "another accent is another word";
    EXPECT_FALSE(is_opt_out_text("ST0P")) << "a zero is not an O";
}

TEST(OptOutText, InvalidUtf8InsideNeverMatches) {
    EXPECT_FALSE(is_opt_out_text("ST\xffOP"));
    EXPECT_FALSE(is_opt_out_text("S\xc3TOP"));
    EXPECT_TRUE(
        is_opt_out_text("\xff"
                        "STOP\xfe"))
        << "at the ends it is trimmed like a symbol";
}

TEST(OptOutText, LongTextIsASentenceButLongDecorationIsTrimmed) {
    EXPECT_TRUE(is_opt_out_text("STOP" + std::string(10000, '!')));
    std::string emoji;
    for (int i = 0; i < 500; ++i) emoji += "🙏";
    EXPECT_TRUE(is_opt_out_text(emoji + " stop " + emoji));
    EXPECT_FALSE(is_opt_out_text("stop" + std::string(200, ' ') + "promotions")) << "longer than any keyword";
    std::string many;
    for (int i = 0; i < 1000; ++i) many += "stop ";
    EXPECT_FALSE(is_opt_out_text(many));
}
