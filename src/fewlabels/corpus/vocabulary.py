"""One vocabulary for every valence class: everyday words with no emotional load, so words carry no label."""

WORDS = tuple("""
a about above across after again along also always an and another any around as at away back because
before behind below beside between both but by can could day door down each early east every evening
far few first floor for four from front full garden glass green half hall has have here high hill home
hour house if in inside into is it its just kitchen known large last late left less letter light line
little long low many market may meet middle might minute month more morning most much near new next
night north not now number of off often old on once one only open or other out outside over page
paper part past people place plain point quite rather read ready red right river road room round same
school second seven side since six small so some soon south square station still stone street table
ten than that the their then there these they thing third this those three through time to today
together told took town train tree turn two under until up upon very wall was water way we week well
went were west what when where which while white who will window with within word work would year
yellow yet you
""".split())
