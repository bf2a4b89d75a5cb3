"""A row's fingerprint text is the one imports have stored: renaming a column of the case frame must not make
every case imported before read as changed."""

from amparo.exchange import formats
from amparo.exchange.domain.fingerprint import fingerprint_text
from amparo.exchange.domain.normalisation import normalise_cases
from amparo.exchange.domain.readers import read_table
from tests.exchange import samples
from tests.exchange.samples import TODAY

# Written by imports of this row before the frame's columns took the model's names (age_when_trafficked,
# trafficking_status_decision_org, lives_in_household).
STORED = (
    '{"source_record_id":"F-1","registration_date":"2024-06-01","birthdate":null,"age":15,"citizenship":"'
    '","first_name":"","second_name":"","identity_number":"","gender":"Feminine","status":"Active","traff'
    'icking_status":"PossibleVictimOfTrafficking","decision_org":"","forced_labour_industry":"","organise'
    'd_network":"unknown","legal_article":"","exploitation_types":[],"sex_exploitation_types":[],"control'
    '_methods":[],"recruitment_methods":[],"perpetrators":[{"relationship":"parent","in_household":true,"'
    'roles":["RecruiterOrIntermediary","SoldIndividual"],"gender":"Feminine","citizenship":"","first_name'
    '":"Rosa","second_name":"","birthdate":"1980-02-03","identity_number":""},{"relationship":"uncle_aunt'
    '","in_household":false,"roles":["Exploiter"],"gender":"","citizenship":"","first_name":"","second_na'
    'me":"","birthdate":null,"identity_number":"43334444"}],"events":[{"event_type":"Recruitment","ubigeo'
    '":"080101","country":"PE","date":"2024-01-10","description":""},{"event_type":"Transit","ubigeo":"",'
    '"country":"BO","date":"2024-02-01","description":"En bus"},{"event_type":"Transit","ubigeo":"250101"'
    ',"country":"PE","date":"2024-02-03","description":""},{"event_type":"Exploitation","ubigeo":"150101"'
    ',"country":"PE","date":"2024-03-01","description":"Bar en Lima; luego mina"},{"event_type":"Exploita'
    'tion","ubigeo":"","country":"CL","date":"2024-05-01","description":""}]}'
)


def test_a_row_with_perpetrators_and_events_as_lists_keeps_the_text_it_had():
    table = read_table(samples.AMPARO_FULL_CSV.encode())
    frame = normalise_cases(formats.get("amparo").to_amparo(table, formats.ImportContext("0" * 64)), today=TODAY).frame
    assert fingerprint_text(frame)[0] == STORED
