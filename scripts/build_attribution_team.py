# ruff: noqa: E501
"""Build data/attribution_team.jsonl: team-written articles with gold source spans.

Every article below was written for this project (issue 19); nothing is copied from
published text. Each gold entry names the sentence (a piece of its text), the source,
the cue, the kind and, for a pronoun or bare role, the earlier speaker it stands for;
this script turns them into character offsets, the format of data/real/sources.jsonl.

    python scripts/build_attribution_team.py           # writes data/attribution_team.jsonl
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier.text.sentences import split_sentences  # noqa: E402

# (article text, [(sentence piece, source, cue, kind, resolved or None), ...])
ARTICLES = [
    ("""Harbour bridge to close for repairs

The Kettleby harbour bridge will close for six weeks from March 3. The county highways department said the closure was needed to replace corroded cables. Engineers found the damage during a routine inspection in January. "We cannot risk a failure with lorries on the deck," said Tom Abbot, the department's chief engineer. He added that a ferry would carry foot passengers free of charge. Local traders fear the closure will cost them the spring season.""", [
        ("The county highways department said", "The county highways department", "said", "official", None),
        ("We cannot risk", "Tom Abbot", "said", "official", None),
        ("He added that a ferry", "He", "added", "official", "Tom Abbot"),
        ("Local traders fear", "Local traders", "fear", "private", None),
    ]),
    ("""Hospital waiting lists grow again

Waiting lists at Northfield General rose for the fourth month in a row, according to figures published by the health board on Tuesday. The board's chief executive, Priya Nandra, told reporters that staff shortages in radiology were the main cause. She said the hospital had hired eleven radiographers since autumn. Union officials disputed the figures, saying the real backlog was larger. An economist at Lowmoor University said the trend would probably continue into next year.""", [
        ("according to figures", "figures published by the health board on Tuesday", "according to", "official", None),
        ("told reporters that staff shortages", "The board's chief executive, Priya Nandra", "told reporters", "official", None),
        ("She said the hospital", "She", "said", "official", "Priya Nandra"),
        ("Union officials disputed", "Union officials", "saying", "official", None),
        ("An economist at Lowmoor", "An economist at Lowmoor University", "said", "commentator", None),
    ]),
    ("""Rail strike called off after late talks

A planned rail strike was called off on Sunday evening after talks ran late into the night. The drivers' union announced that members had accepted a revised pay offer. "This is a fair deal for our members," the union's general secretary, Alan Crewe, said. The operator confirmed that all services would run as normal on Monday. Passengers on the Wexley line described weeks of uncertainty. One commuter said she had already booked a hotel near her office.""", [
        ("The drivers' union announced", "The drivers' union", "announced", "official", None),
        ("This is a fair deal", "the union's general secretary, Alan Crewe", "said", "official", None),
        ("The operator confirmed", "The operator", "confirmed", "official", None),
        ("One commuter said", "One commuter", "said", "private", None),
    ]),
    ("""Drought forces water restrictions

Households in the Vale district face a hosepipe ban from Friday, the water company said on Wednesday. Reservoir levels stand at 41 percent of capacity, according to the Environment Agency. The company's operations director, Ruth Malley, said the ban could last until October. She urged customers to report leaks. Hydrologists say the region has had its driest spring since 1976. Some gardeners have started collecting rainwater in barrels.""", [
        ("the water company said", "the water company", "said", "official", None),
        ("according to the Environment Agency", "the Environment Agency", "according to", "official", None),
        ("Ruth Malley, said the ban", "The company's operations director, Ruth Malley", "said", "official", None),
        ("She urged customers", "She", "urged", "official", "Ruth Malley"),
        ("Hydrologists say", "Hydrologists", "say", "commentator", None),
    ]),
    ("""Police appeal after jewellery raid

Detectives are appealing for witnesses after a jewellery shop in Dunmore Street was raided on Saturday. Police said three men smashed the front window shortly after 2am. "The men were wearing dark clothing and masks," Detective Inspector Mark Hale said. The shop's owner told the local radio station that rings worth about 80,000 pounds were taken. A neighbour said she had heard glass breaking and saw a car drive off at speed. Officers believe the same gang carried out a raid in Ashford last month.""", [
        ("Police said three men", "Police", "said", "official", None),
        ("The men were wearing", "Detective Inspector Mark Hale", "said", "official", None),
        ("The shop's owner told", "The shop's owner", "told the local radio station", "private", None),
        ("A neighbour said", "A neighbour", "said", "private", None),
        ("Officers believe", "Officers", "believe", "official", None),
    ]),
    ("""Carmaker to cut 900 jobs

Stellar Motors will cut 900 jobs at its plant in Halden over the next two years, the company announced on Thursday. Chief executive Lena Varga said falling demand for diesel models had left the plant with spare capacity. The regional government said it would set up a task force to help workers find new jobs. According to union estimates, a further 2,000 jobs at suppliers could be at risk. Analysts said the cuts were smaller than investors had expected. Shares in the company rose 3 percent.""", [
        ("the company announced", "the company", "announced", "official", None),
        ("Chief executive Lena Varga said", "Chief executive Lena Varga", "said", "official", None),
        ("The regional government said", "The regional government", "said", "official", None),
        ("According to union estimates", "union estimates", "According to", "official", None),
        ("Analysts said the cuts", "Analysts", "said", "commentator", None),
    ]),
    ("""School meals to go free for all pupils

All primary pupils in the borough will receive free school meals from September, the council confirmed yesterday. Councillor Jane Ochoa, who leads on education, said the scheme would cost 4.2 million pounds a year. "No child should learn on an empty stomach," she said. The opposition group argued that the money should go to repairing school buildings. Parents at Elm Road Primary welcomed the news. A researcher at the Institute for Fiscal Studies said the policy was likely to increase take-up among low-income families.""", [
        ("the council confirmed yesterday", "the council", "confirmed", "official", None),
        ("Councillor Jane Ochoa, who leads", "Councillor Jane Ochoa", "said", "official", None),
        ("No child should learn", "she", "said", "official", "Councillor Jane Ochoa"),
        ("The opposition group argued", "The opposition group", "argued", "official", None),
        ("A researcher at the Institute", "A researcher at the Institute for Fiscal Studies", "said", "commentator", None),
    ]),
    ("""Storm leaves thousands without power

About 12,000 homes were without electricity on Monday morning after storm Ingrid brought down power lines across the north. The network operator said engineers had restored supply to 30,000 properties overnight. A spokeswoman for the operator said crews would work through the night. The Met Office warned that gusts of up to 80mph were possible on Tuesday. Farmers in the upland valleys reported dozens of fallen trees. One resident said her street had been dark for two days.""", [
        ("The network operator said", "The network operator", "said", "official", None),
        ("A spokeswoman for the operator said", "A spokeswoman for the operator", "said", "official", None),
        ("The Met Office warned", "The Met Office", "warned", "official", None),
        ("Farmers in the upland valleys reported", "Farmers in the upland valleys", "reported", "private", None),
        ("One resident said", "One resident", "said", "private", None),
    ]),
    ("""Central bank holds rates

The central bank kept its main interest rate at 4.5 percent on Thursday. Governor Elena Draskovic said inflation was falling more slowly than the bank had hoped. She told a press conference that a cut before the summer was unlikely. The finance ministry said it respected the bank's independence. Economists at Halvard Bank expect the first cut in September. Some analysts warn that the economy may already be in recession.""", [
        ("Governor Elena Draskovic said", "Governor Elena Draskovic", "said", "official", None),
        ("She told a press conference", "She", "told a press conference", "official", "Governor Elena Draskovic"),
        ("The finance ministry said", "The finance ministry", "said", "official", None),
        ("Economists at Halvard Bank expect", "Economists at Halvard Bank", "expect", "commentator", None),
        ("Some analysts warn", "Some analysts", "warn", "commentator", None),
    ]),
    ("""Football club sacks manager

Rovers sacked manager Ian Pell on Sunday after a run of seven defeats. The club said in a statement that the decision had been taken with regret. Chairman Derek Hume told supporters the board would appoint a successor within a fortnight. "Ian gave everything to this club," Hume said. Former captain Rob Kline said the players had stopped responding to Pell's methods. Fans gathered outside the stadium to call for new owners.""", [
        ("The club said in a statement", "The club", "said", "official", None),
        ("Chairman Derek Hume told", "Chairman Derek Hume", "told supporters", "official", None),
        ("Ian gave everything", "Hume", "said", "official", None),
        ("Former captain Rob Kline said", "Former captain Rob Kline", "said", "commentator", None),
    ]),
    ("""Airport expansion approved

The planning inspectorate approved a second runway at Marlow airport on Wednesday. The airport's owners said the runway would open in 2031 and create 5,000 jobs. Environmental campaigners said they would challenge the ruling in court. According to the inspector's report, noise levels would rise for about 18,000 homes. A transport professor at Danby University said demand forecasts behind the plan were optimistic. Residents near the flight path described the decision as a betrayal.""", [
        ("The airport's owners said", "The airport's owners", "said", "official", None),
        ("Environmental campaigners said", "Environmental campaigners", "said", "commentator", None),
        ("According to the inspector's report", "the inspector's report", "According to", "official", None),
        ("A transport professor", "A transport professor at Danby University", "said", "commentator", None),
        ("Residents near the flight path described", "Residents near the flight path", "described", "private", None),
    ]),
    ("""Museum returns looted statues

The National Museum will return four bronze statues to Benin, its director announced on Monday. Director Samuel Okafor said the statues had been taken by soldiers in 1897. He said the museum had worked with the Benin government for three years. Benin's culture minister welcomed the return as a matter of justice. Historians say thousands of such objects remain in European collections. One curator, who asked not to be named, said other museums were watching closely.""", [
        ("its director announced", "its director", "announced", "official", None),
        ("Director Samuel Okafor said", "Director Samuel Okafor", "said", "official", None),
        ("He said the museum", "He", "said", "official", "Director Samuel Okafor"),
        ("Benin's culture minister welcomed", "Benin's culture minister", "welcomed", "official", None),
        ("Historians say", "Historians", "say", "commentator", None),
        ("One curator, who asked", "One curator", "said", "unnamed", None),
    ]),
    ("""Wildfire spreads in the hills

A wildfire has burned more than 2,000 hectares in the Serra hills since Saturday. The regional fire service said 300 firefighters and six aircraft were tackling the blaze. Fire chief Marta Lopes told journalists that strong winds were pushing the flames east. "We are asking everyone in the valley to be ready to leave," she said. Villagers said smoke had filled their streets for two days. Climate scientists say such fires are becoming more frequent in the region.""", [
        ("The regional fire service said", "The regional fire service", "said", "official", None),
        ("Fire chief Marta Lopes told", "Fire chief Marta Lopes", "told journalists", "official", None),
        ("We are asking everyone", "she", "said", "official", "Fire chief Marta Lopes"),
        ("Villagers said smoke", "Villagers", "said", "private", None),
        ("Climate scientists say", "Climate scientists", "say", "commentator", None),
    ]),
    ("""Supermarket chain recalls salads

Greenway supermarkets recalled three bagged salads on Friday after tests found listeria. The company said no illnesses had been reported. The Food Standards Agency said customers should return the products for a full refund. A microbiologist at Carrow University said the risk to healthy adults was low. Shoppers in Leeds told the newspaper they had not heard about the recall. Sources close to the supplier said the contamination came from a single farm.""", [
        ("The company said no illnesses", "The company", "said", "official", None),
        ("The Food Standards Agency said", "The Food Standards Agency", "said", "official", None),
        ("A microbiologist at Carrow", "A microbiologist at Carrow University", "said", "commentator", None),
        ("Shoppers in Leeds told", "Shoppers in Leeds", "told the newspaper", "private", None),
        ("Sources close to the supplier said", "Sources close to the supplier", "said", "unnamed", None),
    ]),
    ("""Minister defends housing target

Housing minister Clara Bright defended the government's target of 300,000 new homes a year on Tuesday. Bright said the target would be met by 2028. She told MPs that planning reforms would speed up approvals. The housebuilders' federation said the target was unrealistic without more skilled workers. A property analyst at Westbury Partners said house prices would probably keep rising. First-time buyers interviewed for this report said they had given up hope of owning a home.""", [
        ("Bright said the target", "Bright", "said", "official", None),
        ("She told MPs", "She", "told MPs", "official", "Bright"),
        ("The housebuilders' federation said", "The housebuilders' federation", "said", "official", None),
        ("A property analyst at Westbury", "A property analyst at Westbury Partners", "said", "commentator", None),
        ("First-time buyers interviewed", "First-time buyers interviewed for this report", "said", "private", None),
    ]),
    ("""Earthquake shakes coastal towns

A magnitude 5.8 earthquake struck off the coast early on Thursday, the geological survey said. No tsunami warning was issued, according to the national weather service. The mayor of Porto Sal said two old buildings had partly collapsed. "We were lucky it happened at night when the market was empty," the mayor said. Seismologists said aftershocks were likely over the coming days. A fisherman said the sea had drawn back briefly before the shaking started.""", [
        ("the geological survey said", "the geological survey", "said", "official", None),
        ("according to the national weather service", "the national weather service", "according to", "official", None),
        ("The mayor of Porto Sal said", "The mayor of Porto Sal", "said", "official", None),
        ("We were lucky", "the mayor", "said", "official", "Porto Sal"),
        ("Seismologists said", "Seismologists", "said", "commentator", None),
        ("A fisherman said", "A fisherman", "said", "private", None),
    ]),
    ("""Tech firm fined over data breach

The data protection authority fined Cloudnest 12 million euros on Monday for a breach that exposed customer records. The authority said the company had failed to encrypt passwords. Cloudnest said it would appeal against the fine. Its chief technology officer, Amir Haddad, told the news agency that the breach had been contained within hours. Privacy campaigners said the fine was too small to change behaviour. Customers affected by the breach said they had received no apology.""", [
        ("The authority said the company", "The authority", "said", "official", None),
        ("Cloudnest said it would appeal", "Cloudnest", "said", "official", None),
        ("Amir Haddad, told the news agency", "Its chief technology officer, Amir Haddad", "told the news agency", "official", None),
        ("Privacy campaigners said", "Privacy campaigners", "said", "commentator", None),
        ("Customers affected by the breach said", "Customers affected by the breach", "said", "private", None),
    ]),
    ("""Marathon runner breaks course record

Kenyan runner Joseph Kiprono won the city marathon on Sunday in a course record of 2 hours 4 minutes. Kiprono said he had trained at altitude for three months. "The crowd carried me over the last five kilometres," he said. Race organisers said 38,000 people had finished the race. His coach, Peter Rono, said the record showed what Kiprono could do on a fast course. Spectators said the atmosphere at the finish was electric.""", [
        ("Kiprono said he had trained", "Kiprono", "said", "private", None),
        ("The crowd carried me", "he", "said", "private", "Kiprono"),
        ("Race organisers said", "Race organisers", "said", "official", None),
        ("His coach, Peter Rono, said", "His coach, Peter Rono", "said", "official", None),
        ("Spectators said the atmosphere", "Spectators", "said", "private", None),
    ]),
    ("""Ferry operator cancels winter routes

The ferry operator Northlink will suspend two winter routes from November, it said on Friday. Managing director Ewan Ross said fuel costs had doubled in a year. He warned that further cuts could follow if passenger numbers did not recover. The islands' council said it was dismayed by the decision. Islanders said they would struggle to reach hospital appointments on the mainland. According to a survey by the council, a third of island households have no car.""", [
        ("it said on Friday", "it", "said", "official", None),
        ("Managing director Ewan Ross said", "Managing director Ewan Ross", "said", "official", None),
        ("He warned that further cuts", "He", "warned", "official", "Managing director Ewan Ross"),
        ("The islands' council said", "The islands' council", "said", "official", None),
        ("Islanders said they would struggle", "Islanders", "said", "private", None),
        ("According to a survey by the council", "a survey by the council", "According to", "official", None),
    ]),
    ("""Trial hears from crash witness

A witness told the court on Tuesday that a delivery van ran a red light before hitting a cyclist. The witness, a taxi driver, said the van had been travelling fast. Prosecutors said the driver had been using his phone at the time. Defence lawyer Hannah Kerr said her client denied the charge. The judge told the jury to ignore media reports about the case. The trial continues.""", [
        ("A witness told the court", "A witness", "told the court", "private", None),
        ("The witness, a taxi driver, said", "The witness", "said", "private", None),
        ("Prosecutors said", "Prosecutors", "said", "official", None),
        ("Defence lawyer Hannah Kerr said", "Defence lawyer Hannah Kerr", "said", "official", None),
        ("The judge told the jury", "The judge", "told the jury", "official", None),
    ]),
    ("""Vaccine uptake falls among toddlers

Vaccination rates among two-year-olds fell for the fifth year running, the health agency reported on Wednesday. The agency's head of immunisation, Dr Sofia Lind, said coverage for measles was now below 90 percent. She said outbreaks were likely if the trend continued. The health secretary said GP surgeries would offer evening clinics. Paediatricians said misinformation online was part of the problem. One mother said she had struggled to get an appointment.""", [
        ("the health agency reported", "the health agency", "reported", "official", None),
        ("Dr Sofia Lind, said coverage", "The agency's head of immunisation, Dr Sofia Lind", "said", "official", None),
        ("She said outbreaks", "She", "said", "official", "Dr Sofia Lind"),
        ("The health secretary said", "The health secretary", "said", "official", None),
        ("Paediatricians said", "Paediatricians", "said", "commentator", None),
        ("One mother said", "One mother", "said", "private", None),
    ]),
]


def _find(text: str, needle: str, lo: int, hi: int, before: int | None = None) -> list[int]:
    hits = [m.start() + lo for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)",
                                                text[lo:hi])]
    if before is not None:
        hits = [h for h in hits if h < before] or hits
        return hits[-1:]
    return hits[:1]


def build() -> list[dict]:
    rows = []
    for number, (text, gold) in enumerate(ARTICLES):
        sentences = split_sentences(text)
        entries = []
        for piece, source, cue, kind, resolved in gold:
            index = next(i for i, s in enumerate(sentences) if piece in s.text)
            s = sentences[index]
            (cue_at,) = _find(text, cue, s.start, s.end)
            (source_at,) = _find(text, source, s.start, s.end, before=cue_at + 1)
            entry = {"index": index, "source": [source_at, source_at + len(source)],
                     "cue": [cue_at, cue_at + len(cue)], "kind": kind}
            if resolved:
                (at,) = _find(text, resolved, 0, s.start, before=s.start)
                entry["resolved"] = [at, at + len(resolved)]
            entries.append(entry)
        rows.append({"article": f"team-{number:02d}", "text": text, "sources": entries})
    return rows


def main() -> None:
    rows = build()
    out = ROOT / "data" / "attribution_team.jsonl"
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{out}: {len(rows)} articles, {sum(len(r['sources']) for r in rows)} sources")


if __name__ == "__main__":
    main()
